export { dunningJourney } from './journey';
