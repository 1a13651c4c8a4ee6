import type { SellerCopy } from './types';

export const es: SellerCopy = {
  layout: {
    product: 'Cobranzas',
    skipToContent: 'Saltar al contenido',
    languages: 'Idioma',
    navigation: 'Principal',
    overview: 'Resumen',
    payments: 'Pagos',
    tasks: 'Tareas',
    team: 'Equipo',
    accounts: 'Cuentas',
    accountInUse: 'Cuenta en uso',
    switchAccount: 'Cambiar',
    signOut: 'Cerrar sesión',
  },
  signIn: {
    title: 'Iniciar sesión',
    intro: 'Escribe tu correo electrónico y te enviaremos un enlace para entrar. Sin contraseña.',
    email: 'Correo electrónico',
    submit: 'Enviarme un enlace',
    emailInvalid: 'Escribe un correo electrónico como nombre@ejemplo.com.',
    sentTitle: 'Revisa tu correo',
    sentBody:
      'Si esta dirección pertenece a una cuenta, te enviamos un enlace para entrar. Funciona una vez, durante 15 minutos. Puedes cerrar esta página.',
    confirmTitle: 'Iniciar sesión',
    confirmBody: 'Pulsa el botón para terminar de iniciar sesión.',
    confirmButton: 'Iniciar sesión',
    linkProblemTitle: 'Este enlace ya no funciona',
    linkProblemBody: 'Los enlaces funcionan una vez y durante 15 minutos. Pide uno nuevo abajo.',
    sendNewLink: 'Enviarme un enlace nuevo',
  },
  invite: {
    title: 'Aceptar la invitación',
    body: ({ tenant }) => `Te invitaron a ayudar con las cobranzas de ${tenant}.`,
    accept: 'Aceptar y entrar',
    problemTitle: 'Esta invitación ya no funciona',
    problemBody:
      'Ya se usó, venció (las invitaciones duran 7 días) o fue retirada. Pide una nueva a quien administra la cuenta.',
  },
  accounts: {
    title: 'Cuentas',
    owner: 'Titular',
    collaborator: ({ profile }) => `Colaborador · ${profile}`,
    current: 'En uso',
    use: 'Usar esta cuenta',
    noneTitle: 'No hay cuentas',
    noneBody:
      'Ya no administras ni ayudas en ninguna cuenta. Si es un error, pide a la persona titular que te invite de nuevo.',
  },
  refusals: {
    signedOutTitle: 'Inicia sesión',
    signedOutBody: 'Tu sesión terminó. Vuelve a iniciar sesión para continuar.',
    forbiddenTitle: 'No permitido',
    ownerOnly: 'Solo la persona titular de la cuenta puede abrir esta página.',
    missingPermission: ({ permission }) => `Tu perfil no incluye el permiso «${permission}».`,
    notYourAccount: 'No tienes acceso a esa cuenta.',
    formExpiredTitle: 'Este formulario venció',
    formExpiredBody:
      'Por tu seguridad no pudimos aceptar el formulario. Vuelve, recarga la página e inténtalo de nuevo.',
    tooManyTitle: 'Demasiadas solicitudes',
    tooManyBody: 'Espera unos minutos antes de intentarlo de nuevo.',
    errorTitle: 'Algo salió mal',
    errorBody: 'Inténtalo de nuevo en un momento.',
    signInAgain: 'Iniciar sesión',
  },
  emails: {
    signInSubject: 'Tu enlace para entrar',
    signInText: ({ link }) =>
      `Abre este enlace para entrar en Cobranzas:\n\n${link}\n\nFunciona una vez, durante 15 minutos. Si no lo pediste, ignora este correo.`,
    inviteSubject: ({ tenant }) => `Te invitaron a ${tenant} en Cobranzas`,
    inviteText: ({ tenant, link }) =>
      `Te invitaron a ayudar con las cobranzas de ${tenant}. Abre este enlace para aceptar:\n\n${link}\n\nLa invitación dura 7 días.`,
  },
};
