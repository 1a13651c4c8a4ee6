export { dunningJourney } from './journey';
export { reconcileJourneys } from './reconcile';
export { confirmLatePayment } from './late-payment-confirmation';
export { buyerConversation } from './conversation';
export { webhookDeliveries } from './webhook-deliveries';
export { buyerReminders } from './buyer-reminders';
