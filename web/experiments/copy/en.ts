import type { ExperimentsCopy } from './types';

export const en: ExperimentsCopy = {
  nav: 'Experiments',
  states: { draft: 'Draft', running: 'Running', stopped: 'Stopped' },
  list: {
    title: 'Experiments',
    caption: 'Experiments of this account, newest first',
    empty:
      'An experiment splits a segment rule’s new journeys between policies, with an optional holdout, to learn which recovers more; this account has none yet (see “Segments and experiments” in the README to create one through the API).',
    experiment: 'Experiment',
    rule: 'Rule',
    state: 'State',
    arms: 'Arms',
    started: 'Started',
    stopped: 'Stopped',
    notYet: '—',
  },
  arm: ({ arm, policy, weight }) => `${arm}: policy ${policy}, weight ${weight}`,
  holdout: ({ weight, policy }) =>
    policy ? `holdout: policy ${policy}, weight ${weight}` : `holdout: no reminders, weight ${weight}`,
  holdoutName: 'the holdout',
  results: {
    back: 'All experiments',
    summary: ({ id, rule }) => `Experiment ${id} on rule ${rule}`,
    control: ({ arm }) => `Every arm is compared with ${arm}.`,
    armsCaption: 'Results per arm',
    arm: 'Arm',
    policy: 'Policy',
    noReminders: 'No reminders',
    journeys: 'Journeys',
    buyers: 'Buyers',
    recovered: 'Buyers recovered',
    rateInterval: ({ low, high }) => `95 % interval ${low} to ${high}`,
    collected: 'Collected',
    medianDays: 'Median days to pay',
    contactsPerJourney: 'Contacts per journey',
    optOutRate: 'Opt-out rate',
    none: '—',
    comparisonCaption: 'Each arm against the control',
    difference: 'Difference in recovered share',
    differenceInterval: '95 % interval',
    pointsValue: ({ points }) => `${points} points`,
    pointsRange: ({ low, high }) => `${low} to ${high} points`,
    verdicts: 'Verdict',
    actions: 'Change the experiment',
    start: 'Start the experiment',
    stop: 'Stop the experiment',
  },
  verdict: {
    more: ({ arm, control, points, low, high }) =>
      `${arm} recovers ${points} points more than ${control} (95 % interval ${low} to ${high} points).`,
    less: ({ arm, control, points, low, high }) =>
      `${arm} recovers ${points} points less than ${control} (95 % interval ${low} to ${high} points).`,
    unclear: ({ arm, control, low, high }) =>
      `Not enough evidence yet of a difference between ${arm} and ${control} (95 % interval ${low} to ${high} points).`,
    tooFew: ({ arm, control }) => `Not enough journeys yet to compare ${arm} with ${control}.`,
  },
  notices: {
    started: 'The experiment is running: the rule’s new journeys are split between its arms.',
    stopped: 'The experiment is stopped: new journeys run the rule’s policy again; assigned ones keep their arm.',
  },
  refusals: {
    wrong_state: 'The experiment cannot do that in its current state.',
    rule_gone: 'The experiment’s rule is no longer in the routing: it cannot start.',
    rule_busy: 'Another experiment runs on this rule: stop it first.',
  },
  notFound: {
    title: 'Not found',
    body: 'This account has no such experiment. It may belong to another account.',
    back: 'Back to the experiments',
  },
};
