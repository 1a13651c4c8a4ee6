import type { ExperimentsCopy } from './types';

export const fr: ExperimentsCopy = {
  nav: 'Expériences',
  states: { draft: 'Brouillon', running: 'En cours', stopped: 'Arrêtée' },
  list: {
    title: 'Expériences',
    caption: 'Expériences de ce compte, de la plus récente à la plus ancienne',
    empty:
      'Une expérience répartit les nouveaux parcours d’une règle de segment entre plusieurs politiques, avec un groupe témoin facultatif, pour savoir laquelle recouvre le mieux ; ce compte n’en a pas encore (voir « Segments and experiments » dans le README pour en créer une avec l’API).',
    experiment: 'Expérience',
    rule: 'Règle',
    state: 'État',
    arms: 'Variantes',
    started: 'Démarrée',
    stopped: 'Arrêtée',
    notYet: '—',
  },
  arm: ({ arm, policy, weight }) => `${arm} : politique ${policy}, poids ${weight}`,
  holdout: ({ weight, policy }) =>
    policy ? `groupe témoin : politique ${policy}, poids ${weight}` : `groupe témoin : sans relance, poids ${weight}`,
  holdoutName: 'le groupe témoin',
  results: {
    back: 'Toutes les expériences',
    summary: ({ id, rule }) => `Expérience ${id} sur la règle ${rule}`,
    control: ({ arm }) => `Chaque variante est comparée avec ${arm}.`,
    armsCaption: 'Résultats par variante',
    arm: 'Variante',
    policy: 'Politique',
    noReminders: 'Sans relance',
    journeys: 'Parcours',
    buyers: 'Acheteurs',
    recovered: 'Acheteurs recouvrés',
    rateInterval: ({ low, high }) => `intervalle à 95 % : de ${low} à ${high}`,
    collected: 'Encaissé',
    medianDays: 'Jours médians avant paiement',
    contactsPerJourney: 'Contacts par parcours',
    optOutRate: 'Taux de désinscription',
    none: '—',
    comparisonCaption: 'Chaque variante face au témoin',
    difference: 'Écart de part recouvrée',
    differenceInterval: 'Intervalle à 95 %',
    pointsValue: ({ points }) => `${points} points`,
    pointsRange: ({ low, high }) => `de ${low} à ${high} points`,
    verdicts: 'Verdict',
    actions: 'Modifier l’expérience',
    start: 'Démarrer l’expérience',
    stop: 'Arrêter l’expérience',
  },
  verdict: {
    more: ({ arm, control, points, low, high }) =>
      `${arm} recouvre ${points} points de plus que ${control} (intervalle à 95 % : de ${low} à ${high} points).`,
    less: ({ arm, control, points, low, high }) =>
      `${arm} recouvre ${points} points de moins que ${control} (intervalle à 95 % : de ${low} à ${high} points).`,
    unclear: ({ arm, control, low, high }) =>
      `Pas encore assez d’éléments pour conclure à un écart entre ${arm} et ${control} (intervalle à 95 % : de ${low} à ${high} points).`,
    tooFew: ({ arm, control }) => `Pas encore assez de parcours pour comparer ${arm} avec ${control}.`,
  },
  notices: {
    started: 'L’expérience est en cours : les nouveaux parcours de la règle sont répartis entre ses variantes.',
    stopped:
      'L’expérience est arrêtée : les nouveaux parcours reprennent la politique de la règle ; ceux déjà affectés gardent leur variante.',
  },
  refusals: {
    wrong_state: 'L’expérience ne peut pas faire cela dans son état actuel.',
    rule_gone: 'La règle de l’expérience n’est plus dans le routage : elle ne peut pas démarrer.',
    rule_busy: 'Une autre expérience est en cours sur cette règle : arrêtez-la d’abord.',
  },
  notFound: {
    title: 'Introuvable',
    body: 'Ce compte n’a pas cette expérience. Elle appartient peut-être à un autre compte.',
    back: 'Retour aux expériences',
  },
};
