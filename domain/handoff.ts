/**
 * How long a handoff to a person holds a journey's reminders. No zod here: the journey workflow
 * imports it, and its bundle carries only what it needs (the policy's schema is validated outside).
 */

/** How long a handoff holds the reminders when the policy does not say. */
export const DEFAULT_HANDOFF_HOLD_HOURS = 48;

/** Hours an open handoff to a person holds the journey's reminders under this policy (`assistant.handoffHoldHours`). */
export function handoffHoldHours(policy: { assistant?: { handoffHoldHours: number } | undefined }): number {
  return policy.assistant?.handoffHoldHours ?? DEFAULT_HANDOFF_HOLD_HOURS;
}
