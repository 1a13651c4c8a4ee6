import type { ExperimentsCopy } from './types';

export const es: ExperimentsCopy = {
  nav: 'Experimentos',
  states: { draft: 'Borrador', running: 'En curso', stopped: 'Detenido' },
  list: {
    title: 'Experimentos',
    caption: 'Experimentos de esta cuenta, del más reciente al más antiguo',
    empty:
      'Un experimento reparte los nuevos recorridos de una regla de segmento entre políticas, con un grupo de control opcional, para saber cuál recupera más; esta cuenta aún no tiene ninguno (consulte «Segments and experiments» en el README para crear uno con la API).',
    experiment: 'Experimento',
    rule: 'Regla',
    state: 'Estado',
    arms: 'Variantes',
    started: 'Iniciado',
    stopped: 'Detenido',
    notYet: '—',
  },
  arm: ({ arm, policy, weight }) => `${arm}: política ${policy}, peso ${weight}`,
  holdout: ({ weight, policy }) =>
    policy
      ? `grupo de control: política ${policy}, peso ${weight}`
      : `grupo de control: sin recordatorios, peso ${weight}`,
  holdoutName: 'el grupo de control',
  results: {
    back: 'Todos los experimentos',
    summary: ({ id, rule }) => `Experimento ${id} sobre la regla ${rule}`,
    control: ({ arm }) => `Cada variante se compara con ${arm}.`,
    armsCaption: 'Resultados por variante',
    arm: 'Variante',
    policy: 'Política',
    noReminders: 'Sin recordatorios',
    journeys: 'Recorridos',
    buyers: 'Compradores',
    recovered: 'Compradores recuperados',
    rateInterval: ({ low, high }) => `intervalo del 95 %: de ${low} a ${high}`,
    collected: 'Cobrado',
    medianDays: 'Mediana de días hasta el pago',
    contactsPerJourney: 'Contactos por recorrido',
    optOutRate: 'Tasa de bajas',
    none: '—',
    comparisonCaption: 'Cada variante frente al control',
    difference: 'Diferencia en la proporción recuperada',
    differenceInterval: 'Intervalo del 95 %',
    pointsValue: ({ points }) => `${points} puntos`,
    pointsRange: ({ low, high }) => `de ${low} a ${high} puntos`,
    verdicts: 'Veredicto',
    actions: 'Cambiar el experimento',
    start: 'Iniciar el experimento',
    stop: 'Detener el experimento',
  },
  verdict: {
    more: ({ arm, control, points, low, high }) =>
      `${arm} recupera ${points} puntos más que ${control} (intervalo del 95 %: de ${low} a ${high} puntos).`,
    less: ({ arm, control, points, low, high }) =>
      `${arm} recupera ${points} puntos menos que ${control} (intervalo del 95 %: de ${low} a ${high} puntos).`,
    unclear: ({ arm, control, low, high }) =>
      `Todavía no hay pruebas suficientes de una diferencia entre ${arm} y ${control} (intervalo del 95 %: de ${low} a ${high} puntos).`,
    tooFew: ({ arm, control }) => `Todavía no hay recorridos suficientes para comparar ${arm} con ${control}.`,
  },
  notices: {
    started: 'El experimento está en curso: los nuevos recorridos de la regla se reparten entre sus variantes.',
    stopped:
      'El experimento está detenido: los nuevos recorridos vuelven a la política de la regla; los asignados conservan su variante.',
  },
  refusals: {
    wrong_state: 'El experimento no puede hacer eso en su estado actual.',
    rule_gone: 'La regla del experimento ya no está en el enrutamiento: no puede iniciarse.',
    rule_busy: 'Otro experimento está en curso sobre esta regla: deténgalo primero.',
  },
  notFound: {
    title: 'No encontrado',
    body: 'Esta cuenta no tiene ese experimento. Puede pertenecer a otra cuenta.',
    back: 'Volver a los experimentos',
  },
};
