import type { LocaleCopy } from './types';

export const es: LocaleCopy = {
  greeting: 'Hola, {name}:',
  greetingNoName: 'Hola:',
  smsGreeting: 'Hola, {name}:',
  smsGreetingNoName: 'Hola:',
  nameFallback: 'cliente',
  installment: 'cuota {n} de {m}',
  paymentWithAmount: 'tu pago de {paid}',
  paymentWithoutAmount: 'tu pago',
  balanceOpen: 'El saldo pendiente de {amount} vence el {date}.',
  balanceSettled: 'La cuota ya fue pagada en su totalidad.',
  previousDueDate: ' (antes: {previousDate})',
  actionLine: '{action}: {url}',
  linkFallback: 'Si el botón no funciona, abre este enlace:',
  assistantInvite:
    '¿Tienes dudas o necesitas otra fecha? Responde a este mensaje para hablar con nuestro asistente: puede decirte el importe pendiente, enviarte el enlace de pago, cambiar la fecha de vencimiento o ponerte en contacto con una persona.',
  alsoDue: {
    lead: 'También tienes estas cuotas pendientes:',
    item: '{installment} de {product}: {amount}, con vencimiento el {date}',
    sms: 'También pendientes: {items}.',
    smsItem: '{product} {n}/{m} {amount} {date}',
    whatsAppVariable: '{installment} (también pendientes: {items})',
    whatsAppVariableItem: '{product} {n} de {m}, {amount}, {date}',
  },
  optOut: {
    emailUnsubscribeText: '¿Prefieres no recibir estos correos? Date de baja aquí: {unsubscribe}',
    emailUnsubscribeLead: '¿Prefieres no recibir estos correos?',
    emailUnsubscribeLabel: 'Darme de baja',
    emailReply: '¿Prefieres no recibir estos correos? Responde BAJA a este mensaje.',
    sms: 'Responde BAJA para dejar de recibir estos mensajes.',
    whatsapp: 'Responde BAJA para dejar de recibir estos mensajes.',
  },
  templates: {
    pre_due: {
      subject: 'Tu pago de {product} vence el {date}',
      paragraphs: [
        'Te escribimos para recordarte que la {installment} de {product}, por {amount}, vence el {date}.',
        'Si ya lo tienes resuelto, ¡gracias! No tienes que hacer nada más.',
      ],
      action: 'Pagar ahora',
      sms: '{greeting} te recordamos que la {installment} de {product} ({amount}) vence el {date}. Puedes pagar en {url}',
    },
    due_today: {
      subject: 'Tu pago de {product} vence hoy',
      paragraphs: [
        'Te recordamos que la {installment} de {product}, por {amount}, vence hoy ({date}).',
        'Pagar por el enlace lleva un minuto.',
      ],
      action: 'Pagar ahora',
      sms: '{greeting} la {installment} de {product} ({amount}) vence hoy, {date}. Paga en {url}',
    },
    overdue_early: {
      subject: 'Tu pago de {product} está pendiente',
      paragraphs: [
        'Todavía no vemos el pago de la {installment} de {product}, por {amount}, con vencimiento el {date}.',
        'Si ya pagaste, gracias y disculpa la molestia. Si surgió algún imprevisto, responde a este mensaje y buscamos juntos una solución.',
      ],
      action: 'Pagar ahora',
      sms: '{greeting} no encontramos el pago de la {installment} de {product} ({amount}), con vencimiento el {date}. Si ya pagaste, gracias. Si no, puedes pagar en {url}',
    },
    overdue_late: {
      subject: 'Estamos para ayudarte con tu pago de {product}',
      paragraphs: [
        'La {installment} de {product}, por {amount}, con vencimiento el {date}, sigue pendiente.',
        'Si este no es un buen momento, puedes pedir otra fecha en el área de pago o responder a este mensaje y te ayudamos.',
      ],
      action: 'Ver opciones de pago',
      sms: '{greeting} la {installment} de {product} ({amount}, vencimiento {date}) sigue pendiente. ¿Necesitas otra fecha? Responde y te ayudamos. Paga en {url}',
    },
    final_notice: {
      subject: 'Último recordatorio sobre tu pago de {product}',
      paragraphs: [
        'Este es nuestro último recordatorio sobre la {installment} de {product}, por {amount}, con vencimiento el {date}.',
        'Queremos encontrar una solución contigo: paga cuando puedas, pide una nueva fecha en el área de pago o responde a este mensaje y lo resolvemos juntos.',
      ],
      action: 'Ver opciones de pago',
      sms: '{greeting} este es nuestro recordatorio final sobre la {installment} de {product} ({amount}, vencimiento {date}). Paga en {url} o responde y lo resolvemos juntos.',
    },
    promise_broken: {
      subject: 'Sobre tu promesa de pago de {product}',
      paragraphs: [
        'Nos dijiste que pagarías la {installment} de {product}, por {amount}, y todavía no hemos recibido el pago.',
        'Si tus planes cambiaron, aún puedes pagar ahora, pedir otra fecha en el área de pago o responder a este mensaje y lo resolvemos juntos.',
      ],
      action: 'Ver opciones de pago',
      sms: '{greeting} aun no recibimos el pago que prometiste de la {installment} de {product} ({amount}). Paga en {url} o responde y te ayudamos.',
    },
    payment_confirmation: {
      subject: '¡Gracias! Recibimos tu pago de {product}',
      paragraphs: ['Recibimos {payment} por {product} ({installment}). ¡Muchas gracias!', '{balance}'],
      action: 'Ver mis pagos',
      sms: '{greeting} ¡gracias! Recibimos {payment} por {product} ({installment}). {balance} Detalles: {url}',
    },
    due_date_change_confirmation: {
      subject: 'Nueva fecha de vencimiento de tu pago de {product}: {date}',
      paragraphs: [
        'Listo: la {installment} de {product} ahora vence el {date}{previous}.',
        'El importe es {amount}. Puedes pagar cuando quieras hasta esa fecha.',
      ],
      action: 'Ver mi pago',
      sms: '{greeting} listo: la {installment} de {product} ({amount}) ahora vence el {date}{previous}. Paga en {url}',
    },
  },
};
