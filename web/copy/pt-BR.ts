import type { WebCopy } from './types';

export const ptBR: WebCopy = {
  languageName: 'Português (Brasil)',
  layout: { skipToContent: 'Pular para o conteúdo', languages: 'Idioma' },
  area: {
    title: ({ product }) => `Seus pagamentos de ${product}`,
    heading: 'Seus pagamentos',
    product: 'Produto:',
    soldBy: ({ seller }) => `Vendido por ${seller}`,
    installments: 'Parcelas',
    installment: ({ n, m }) => `Parcela ${n} de ${m}`,
    amount: 'Valor',
    dueDate: 'Vencimento',
    status: 'Situação',
    originallyDue: ({ date }) => `vencimento original: ${date}`,
    paidOn: ({ date }) => `paga em ${date}`,
    paidOf: ({ paid, amount }) => `Pago ${paid} de ${amount}`,
    noInstallments: 'Não há parcelas para mostrar.',
    payNow: ({ amount }) => `Pagar ${amount} agora`,
    paymentMethod: 'Trocar forma de pagamento',
    partial: {
      legend: 'Pagar uma parte',
      label: 'Valor a pagar',
      hint: ({ min, max }) => `Qualquer valor de ${min} a ${max}.`,
      submit: 'Pagar este valor',
    },
    dueDateChange: {
      legend: 'Pedir uma nova data de vencimento',
      label: 'Nova data',
      hint: ({ min, max }) => `Escolha uma data de ${min} a ${max}.`,
      submit: 'Pedir esta data',
    },
  },
  statuses: {
    paid_on_time: 'Paga',
    paid_late: 'Paga com atraso',
    partially_paid: 'Paga em parte',
    overdue: 'Atrasada',
    due_today: 'Vence hoje',
    upcoming: 'A vencer',
    canceled: 'Cancelada',
  },
  notices: {
    dueDateChanged: ({ n, date }) => `Pronto: a parcela ${n} agora vence em ${date}.`,
    dueDateRefused: {
      invalid_date: 'Isso não parece uma data. Escolha uma no calendário, por favor.',
      journey_closed: 'Esta parcela já foi encerrada, então o vencimento não pode mais mudar.',
      in_the_past: 'Essa data já passou. Escolha hoje ou uma data posterior, por favor.',
      unchanged: 'Essa já é a data de vencimento. Escolha outra data, por favor.',
      beyond_limit: 'Essa data está mais distante do que podemos oferecer. Escolha uma data mais próxima, por favor.',
      too_many_changes:
        'O vencimento desta parcela já foi alterado o máximo de vezes possível. Responda à nossa mensagem e vamos ajudar.',
    },
    partialBelowMinimum: ({ minimum }) => `O menor valor que você pode pagar agora é ${minimum}.`,
    partialAboveMaximum: ({ maximum }) =>
      `Esse valor é maior do que o saldo em aberto. Você pode pagar até ${maximum}.`,
    amountUnreadable: 'Não conseguimos ler esse valor. Digite apenas números, por exemplo 25,50.',
    partialNotAllowed: 'Esta parcela só pode ser paga por inteiro.',
    tooManyRequests: 'Foram muitas tentativas em pouco tempo. Aguarde um minuto e tente de novo.',
    formExpired: 'O formulário tinha expirado e nada foi enviado. Tente de novo nesta página.',
    somethingWentWrong: 'Algo deu errado do nosso lado e nada foi alterado. Tente de novo mais tarde.',
  },
  linkProblem: {
    invalid_link: {
      title: 'Este link não funciona',
      body: 'O link pode estar incompleto. Abra a mensagem mais recente que enviamos e use o link dela.',
    },
    expired_link: {
      title: 'Este link expirou',
      body: 'Para sua segurança, os links de pagamento valem por um tempo. Nossa próxima mensagem trará um link novo.',
    },
    not_found: {
      title: 'Não encontramos esta página',
      body: 'Confira o endereço ou use o link da mensagem mais recente que enviamos.',
    },
    too_many_requests: {
      title: 'Aguarde um momento, por favor',
      body: 'Recebemos muitas solicitações em pouco tempo. Tente de novo em um minuto.',
    },
    help: 'Precisa de ajuda? Responda a qualquer uma das nossas mensagens e vamos responder.',
  },
};
