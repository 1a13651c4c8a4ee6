import type { ExperimentsCopy } from './types';

export const ptBR: ExperimentsCopy = {
  nav: 'Experimentos',
  states: { draft: 'Rascunho', running: 'Em andamento', stopped: 'Encerrado' },
  list: {
    title: 'Experimentos',
    caption: 'Experimentos desta conta, do mais recente ao mais antigo',
    empty:
      'Um experimento divide as novas jornadas de uma regra de segmento entre políticas, com um grupo de controle opcional, para saber qual recupera mais; esta conta ainda não tem nenhum (veja “Segments and experiments” no README para criar um pela API).',
    experiment: 'Experimento',
    rule: 'Regra',
    state: 'Situação',
    arms: 'Variantes',
    started: 'Iniciado',
    stopped: 'Encerrado',
    notYet: '—',
  },
  arm: ({ arm, policy, weight }) => `${arm}: política ${policy}, peso ${weight}`,
  holdout: ({ weight, policy }) =>
    policy
      ? `grupo de controle: política ${policy}, peso ${weight}`
      : `grupo de controle: sem lembretes, peso ${weight}`,
  holdoutName: 'o grupo de controle',
  results: {
    back: 'Todos os experimentos',
    summary: ({ id, rule }) => `Experimento ${id} na regra ${rule}`,
    control: ({ arm }) => `Cada variante é comparada com ${arm}.`,
    armsCaption: 'Resultados por variante',
    arm: 'Variante',
    policy: 'Política',
    noReminders: 'Sem lembretes',
    journeys: 'Jornadas',
    buyers: 'Compradores',
    recovered: 'Compradores recuperados',
    rateInterval: ({ low, high }) => `intervalo de 95 %: de ${low} a ${high}`,
    collected: 'Recebido',
    medianDays: 'Mediana de dias até o pagamento',
    contactsPerJourney: 'Contatos por jornada',
    optOutRate: 'Taxa de descadastro',
    none: '—',
    comparisonCaption: 'Cada variante comparada ao controle',
    difference: 'Diferença na parcela recuperada',
    differenceInterval: 'Intervalo de 95 %',
    pointsValue: ({ points }) => `${points} pontos`,
    pointsRange: ({ low, high }) => `de ${low} a ${high} pontos`,
    verdicts: 'Veredito',
    actions: 'Alterar o experimento',
    start: 'Iniciar o experimento',
    stop: 'Encerrar o experimento',
  },
  verdict: {
    more: ({ arm, control, points, low, high }) =>
      `${arm} recupera ${points} pontos a mais que ${control} (intervalo de 95 %: de ${low} a ${high} pontos).`,
    less: ({ arm, control, points, low, high }) =>
      `${arm} recupera ${points} pontos a menos que ${control} (intervalo de 95 %: de ${low} a ${high} pontos).`,
    unclear: ({ arm, control, low, high }) =>
      `Ainda não há evidência suficiente de diferença entre ${arm} e ${control} (intervalo de 95 %: de ${low} a ${high} pontos).`,
    tooFew: ({ arm, control }) => `Ainda não há jornadas suficientes para comparar ${arm} com ${control}.`,
  },
  notices: {
    started: 'O experimento está em andamento: as novas jornadas da regra são divididas entre suas variantes.',
    stopped:
      'O experimento foi encerrado: as novas jornadas voltam à política da regra; as já atribuídas mantêm sua variante.',
  },
  refusals: {
    wrong_state: 'O experimento não pode fazer isso na situação atual.',
    rule_gone: 'A regra do experimento não está mais no roteamento: ele não pode ser iniciado.',
    rule_busy: 'Outro experimento está em andamento nesta regra: encerre-o primeiro.',
  },
  notFound: {
    title: 'Não encontrado',
    body: 'Esta conta não tem esse experimento. Ele pode pertencer a outra conta.',
    back: 'Voltar aos experimentos',
  },
};
