import type { LocaleCopy } from './types';

export const ptBR: LocaleCopy = {
  greeting: 'Olá, {name}!',
  greetingNoName: 'Olá!',
  smsGreeting: 'Oi, {name}!',
  smsGreetingNoName: 'Oi!',
  nameFallback: 'cliente',
  installment: 'parcela {n} de {m}',
  paymentWithAmount: 'seu pagamento de {paid}',
  paymentWithoutAmount: 'seu pagamento',
  balanceOpen: 'O saldo restante de {amount} vence em {date}.',
  balanceSettled: 'Esta parcela foi paga por completo.',
  previousDueDate: ' (antes: {previousDate})',
  actionLine: '{action}: {url}',
  linkFallback: 'Se o botão não funcionar, abra este link:',
  assistantInvite:
    'Dúvidas ou precisa de outra data? Responda a esta mensagem para conversar com o nosso assistente: ele pode informar o valor em aberto, enviar o link de pagamento, mudar a data de vencimento ou colocar você em contato com uma pessoa.',
  alsoDue: {
    lead: 'Você também tem estas parcelas em aberto:',
    item: '{installment} de {product}: {amount}, com vencimento em {date}',
    sms: 'Também em aberto: {items}.',
    smsItem: '{product} {n}/{m} {amount} {date}',
    whatsAppVariable: '{installment} (também em aberto: {items})',
    whatsAppVariableItem: '{product} {n} de {m}, {amount}, {date}',
  },
  optOut: {
    emailUnsubscribeText: 'Prefere não receber estes e-mails? Cancele a inscrição aqui: {unsubscribe}',
    emailUnsubscribeLead: 'Prefere não receber estes e-mails?',
    emailUnsubscribeLabel: 'Cancelar inscrição',
    emailReply: 'Prefere não receber estes e-mails? Responda SAIR a esta mensagem.',
    sms: 'Responda SAIR para parar de receber estes avisos.',
    whatsapp: 'Responda SAIR para não receber mais mensagens.',
  },
  templates: {
    pre_due: {
      subject: 'Lembrete: seu pagamento de {product} vence em {date}',
      paragraphs: [
        'Passando para lembrar que a {installment} de {product}, no valor de {amount}, vence em {date}.',
        'Se já está tudo certo, obrigado! Não precisa fazer mais nada.',
      ],
      action: 'Pagar agora',
      sms: '{greeting} Lembrete: a {installment} de {product} ({amount}) vence em {date}. Pague aqui: {url}',
    },
    due_today: {
      subject: 'Seu pagamento de {product} vence hoje',
      paragraphs: [
        'A {installment} de {product}, no valor de {amount}, vence hoje ({date}).',
        'Pagar pelo link leva um minuto.',
      ],
      action: 'Pagar agora',
      sms: '{greeting} A {installment} de {product} ({amount}) vence hoje, {date}. Pague aqui: {url}',
    },
    overdue_early: {
      subject: 'Seu pagamento de {product} está pendente',
      paragraphs: [
        'Ainda não identificamos o pagamento da {installment} de {product}, no valor de {amount}, com vencimento em {date}.',
        'Se você já pagou, obrigado e desconsidere esta mensagem. Se aconteceu algum imprevisto, responda esta mensagem e encontramos uma solução juntos.',
      ],
      action: 'Pagar agora',
      sms: '{greeting} A {installment} de {product} ({amount}), com vencimento em {date}, segue em aberto. Se o pagamento foi feito, agradecemos. Pague aqui: {url}',
    },
    overdue_late: {
      subject: 'Estamos aqui para ajudar com seu pagamento de {product}',
      paragraphs: [
        'A {installment} de {product}, no valor de {amount}, com vencimento em {date}, continua em aberto.',
        'Se este não é um bom momento, você pode pedir outra data na área de pagamento ou responder esta mensagem que a gente ajuda.',
      ],
      action: 'Ver opções de pagamento',
      sms: '{greeting} A {installment} de {product} ({amount}, vencimento em {date}) segue em aberto. Precisa de outra data? Responda e ajudamos. Pague aqui: {url}',
    },
    final_notice: {
      subject: 'Último lembrete sobre seu pagamento de {product}',
      paragraphs: [
        'Este é o nosso último lembrete sobre a {installment} de {product}, no valor de {amount}, com vencimento em {date}.',
        'Queremos encontrar uma solução com você: pague quando puder, peça uma nova data na área de pagamento ou responda esta mensagem que resolvemos juntos.',
      ],
      action: 'Ver opções de pagamento',
      sms: '{greeting} Este é o nosso lembrete final sobre a {installment} de {product} ({amount}, vencimento em {date}). Pague aqui: {url} ou responda e resolvemos juntos.',
    },
    promise_broken: {
      subject: 'Sobre sua promessa de pagamento de {product}',
      paragraphs: [
        'Você nos disse que pagaria a {installment} de {product}, no valor de {amount}, e ainda não recebemos o pagamento.',
        'Se seus planos mudaram, você ainda pode pagar agora, pedir outra data na área de pagamento ou responder esta mensagem que a gente resolve junto.',
      ],
      action: 'Ver opções de pagamento',
      sms: '{greeting} ainda nao recebemos o pagamento prometido da {installment} de {product} ({amount}). Pague aqui: {url} ou responda e ajudamos.',
    },
    payment_confirmation: {
      subject: 'Obrigado! Recebemos seu pagamento de {product}',
      paragraphs: ['Recebemos {payment} referente a {product} ({installment}). Muito obrigado!', '{balance}'],
      action: 'Ver meus pagamentos',
      sms: '{greeting} Recebemos {payment} referente a {product} ({installment}). Obrigado! {balance} Detalhes: {url}',
    },
    due_date_change_confirmation: {
      subject: 'Nova data de vencimento do seu pagamento de {product}: {date}',
      paragraphs: [
        'Pronto: a {installment} de {product} agora vence em {date}{previous}.',
        'O valor é {amount}. Você pode pagar quando quiser até lá.',
      ],
      action: 'Ver meu pagamento',
      sms: '{greeting} Pronto: a {installment} de {product} ({amount}) agora vence em {date}{previous}. Pague aqui: {url}',
    },
  },
};
