import type { WebCopy } from './types';

export const es: WebCopy = {
  languageName: 'Español',
  layout: { skipToContent: 'Ir al contenido', languages: 'Idioma' },
  area: {
    title: ({ product }) => `Tus pagos de ${product}`,
    heading: 'Tus pagos',
    product: 'Producto:',
    soldBy: ({ seller }) => `Vendido por ${seller}`,
    installments: 'Cuotas',
    installment: ({ n, m }) => `Cuota ${n} de ${m}`,
    amount: 'Importe',
    dueDate: 'Vencimiento',
    status: 'Estado',
    originallyDue: ({ date }) => `vencía el ${date}`,
    paidOn: ({ date }) => `pagada el ${date}`,
    paidOf: ({ paid, amount }) => `Pagado ${paid} de ${amount}`,
    noInstallments: 'No hay cuotas para mostrar.',
    payNow: ({ amount }) => `Pagar ${amount} ahora`,
    paymentMethod: 'Cambiar forma de pago',
    partial: {
      legend: 'Pagar una parte',
      label: 'Importe a pagar',
      hint: ({ min, max }) => `Cualquier importe de ${min} a ${max}.`,
      submit: 'Pagar este importe',
    },
    dueDateChange: {
      legend: 'Pedir una nueva fecha de vencimiento',
      label: 'Nueva fecha',
      hint: ({ min, max }) => `Elige una fecha del ${min} al ${max}.`,
      submit: 'Pedir esta fecha',
    },
  },
  statuses: {
    paid_on_time: 'Pagada',
    paid_late: 'Pagada con retraso',
    partially_paid: 'Pagada en parte',
    overdue: 'Vencida',
    due_today: 'Vence hoy',
    upcoming: 'Próxima',
    canceled: 'Cancelada',
  },
  notices: {
    dueDateChanged: ({ n, date }) => `Listo: la cuota ${n} vence ahora el ${date}.`,
    dueDateRefused: {
      invalid_date: 'Eso no parece una fecha. Elige una en el calendario, por favor.',
      journey_closed: 'Esta cuota ya está cerrada, así que su vencimiento ya no puede cambiar.',
      in_the_past: 'Esa fecha ya pasó. Elige hoy o una fecha posterior, por favor.',
      unchanged: 'Esa ya es la fecha de vencimiento. Elige otra fecha, por favor.',
      beyond_limit: 'Esa fecha está más lejos de lo que podemos ofrecer. Elige una fecha anterior, por favor.',
      too_many_changes:
        'El vencimiento de esta cuota ya se cambió todas las veces posibles. Responde a nuestro mensaje y te ayudaremos.',
    },
    partialBelowMinimum: ({ minimum }) => `El importe mínimo que puedes pagar ahora es ${minimum}.`,
    partialAboveMaximum: ({ maximum }) => `Es más de lo pendiente. Puedes pagar hasta ${maximum}.`,
    amountUnreadable: 'No pudimos leer ese importe. Escribe solo números, por ejemplo 25,50.',
    partialNotAllowed: 'Esta cuota solo se puede pagar completa.',
    tooManyRequests: 'Hubo muchos intentos en poco tiempo. Espera un minuto y vuelve a intentarlo.',
    formExpired: 'El formulario había caducado y no se envió nada. Inténtalo de nuevo en esta página.',
    somethingWentWrong: 'Algo falló de nuestro lado y no se cambió nada. Inténtalo de nuevo más tarde.',
  },
  linkProblem: {
    invalid_link: {
      title: 'Este enlace no funciona',
      body: 'Puede que el enlace esté incompleto. Abre el último mensaje que te enviamos y usa su enlace.',
    },
    expired_link: {
      title: 'Este enlace ha caducado',
      body: 'Por tu seguridad, los enlaces de pago funcionan solo un tiempo. Nuestro próximo mensaje traerá un enlace nuevo.',
    },
    not_found: {
      title: 'No encontramos esta página',
      body: 'Revisa la dirección o usa el enlace del último mensaje que te enviamos.',
    },
    too_many_requests: {
      title: 'Espera un momento, por favor',
      body: 'Recibimos muchas solicitudes en poco tiempo. Vuelve a intentarlo en un minuto.',
    },
    help: '¿Necesitas ayuda? Responde a cualquiera de nuestros mensajes y te contestaremos.',
  },
};
