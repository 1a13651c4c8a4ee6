export { dunningJourney } from './journey';
export { reconcileJourneys } from './reconcile';
