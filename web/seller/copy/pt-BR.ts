import type { SellerCopy } from './types';

export const ptBR: SellerCopy = {
  layout: {
    product: 'Cobranças',
    skipToContent: 'Pular para o conteúdo',
    languages: 'Idioma',
    navigation: 'Principal',
    overview: 'Visão geral',
    payments: 'Pagamentos',
    tasks: 'Tarefas',
    team: 'Equipe',
    accounts: 'Contas',
    accountInUse: 'Conta em uso',
    switchAccount: 'Trocar',
    signOut: 'Sair',
  },
  signIn: {
    title: 'Entrar',
    intro: 'Informe seu e-mail e enviaremos um link para você entrar. Sem senha.',
    email: 'E-mail',
    submit: 'Enviar link de acesso',
    emailInvalid: 'Informe um e-mail como nome@exemplo.com.br.',
    sentTitle: 'Confira seu e-mail',
    sentBody:
      'Se este endereço pertence a uma conta, um link de acesso está a caminho. Ele funciona uma vez, por 15 minutos. Você pode fechar esta página.',
    confirmTitle: 'Entrar',
    confirmBody: 'Toque no botão para concluir o acesso.',
    confirmButton: 'Entrar',
    linkProblemTitle: 'Este link não funciona mais',
    linkProblemBody: 'Os links de acesso funcionam uma vez e por 15 minutos. Peça um novo abaixo.',
    sendNewLink: 'Enviar um novo link',
  },
  invite: {
    title: 'Aceitar o convite',
    body: ({ tenant }) => `Você foi convidado(a) para ajudar nas cobranças de ${tenant}.`,
    accept: 'Aceitar e entrar',
    problemTitle: 'Este convite não funciona mais',
    problemBody: 'Ele já foi usado, expirou (convites duram 7 dias) ou foi retirado. Peça um novo ao titular da conta.',
  },
  accounts: {
    title: 'Contas',
    owner: 'Titular',
    collaborator: ({ profile }) => `Colaborador · ${profile}`,
    current: 'Em uso',
    use: 'Usar esta conta',
    noneTitle: 'Nenhuma conta',
    noneBody:
      'Você não é mais titular nem colaborador de nenhuma conta. Se for um engano, peça ao titular um novo convite.',
  },
  refusals: {
    signedOutTitle: 'Entre para continuar',
    signedOutBody: 'Sua sessão terminou. Entre de novo para continuar.',
    forbiddenTitle: 'Sem permissão',
    ownerOnly: 'Somente o titular da conta pode abrir esta página.',
    missingPermission: ({ permission }) => `Seu perfil não inclui a permissão “${permission}”.`,
    notYourAccount: 'Você não tem acesso a essa conta.',
    formExpiredTitle: 'Este formulário expirou',
    formExpiredBody: 'Por segurança, o formulário não foi aceito. Volte, recarregue a página e tente de novo.',
    tooManyTitle: 'Muitas solicitações',
    tooManyBody: 'Aguarde alguns minutos antes de tentar de novo.',
    errorTitle: 'Algo deu errado',
    errorBody: 'Tente de novo em instantes.',
    signInAgain: 'Entrar',
  },
  emails: {
    signInSubject: 'Seu link de acesso',
    signInText: ({ link }) =>
      `Abra este link para entrar em Cobranças:\n\n${link}\n\nEle funciona uma vez, por 15 minutos. Se você não pediu, ignore este e-mail.`,
    inviteSubject: ({ tenant }) => `Convite para ${tenant} em Cobranças`,
    inviteText: ({ tenant, link }) =>
      `Você foi convidado(a) para ajudar nas cobranças de ${tenant}. Abra este link para aceitar:\n\n${link}\n\nO convite dura 7 dias.`,
  },
};
