/**
 * What the journey answers from outside — the status query, the signals, the due-date update —
 * turned into events for its state machine. Registered once at the start of every run.
 */
import { ApplicationFailure, log, patched, setHandler } from '@temporalio/workflow';
import {
  DUE_DATE_REFUSAL_MESSAGES,
  type JourneyEvent,
  type JourneyState,
  checkDueDateChange,
  checkPromiseOn,
  paymentInstant,
  promiseMadeEvent,
} from '../domain/journey';
import { handoffHoldHours } from '../domain/handoff';
import { isoInstant } from '../domain/local-time';
import { PROMISE_REFUSAL_MESSAGES } from '../domain/promises';
import { journeyStatus } from '../domain/status';
import { PROMISES_TO_PAY } from './patches';
import {
  DUE_DATE_REFUSED,
  buyerActionSignal,
  cancelSignal,
  PROMISE_REFUSED,
  changeDueDateUpdate,
  handoffSignal,
  optInSignal,
  optOutSignal,
  pauseSignal,
  paymentReceivedSignal,
  promiseToPayUpdate,
  resumeSignal,
  statusQuery,
  updateContactSignal,
} from './messages';

export interface HandledJourney {
  /** The journey's state as it is now. */
  state(): JourneyState;
  /** Applies an event (recorded when it changes the state). */
  apply(event: JourneyEvent): void;
}

export function registerJourneyHandlers(journey: HandledJourney): void {
  setHandler(statusQuery, (options) => {
    const asOf = options?.asOf ? Date.parse(options.asOf) : Number.NaN;
    return journeyStatus(journey.state(), Number.isNaN(asOf) ? Date.now() : Math.max(asOf, Date.now()));
  });
  /**
   * Signals can come from any Temporal client: one whose payload cannot even be read is logged
   * and ignored. Throwing would fail the workflow task on every retry and stall the journey.
   */
  const tolerant =
    <A>(name: string, handle: (arg: A) => void) =>
    (arg: A): void => {
      try {
        handle(arg);
      } catch (err) {
        log.warn(`ignored a malformed ${name} signal`, { error: err instanceof Error ? err.message : String(err) });
      }
    };

  setHandler(
    paymentReceivedSignal,
    tolerant('paymentReceived', ({ paymentId, amountMinor, currency, paidAt, actor }) => {
      journey.apply({
        type: 'payment_received',
        at: paymentInstant(paidAt, Date.now()),
        paymentId,
        amountMinor,
        currency,
        ...(actor && { actor }),
      });
    }),
  );
  setHandler(
    pauseSignal,
    tolerant('pause', ({ until, actor }) => {
      const untilMs = until ? Date.parse(until) : null;
      journey.apply({
        type: 'paused',
        at: Date.now(),
        until: untilMs !== null && !Number.isNaN(untilMs) ? untilMs : null,
        ...(actor && { actor }),
      });
    }),
  );
  setHandler(
    resumeSignal,
    tolerant('resume', (request) =>
      journey.apply({ type: 'resumed', at: Date.now(), ...(request?.actor && { actor: request.actor }) }),
    ),
  );
  setHandler(
    cancelSignal,
    tolerant('cancel', ({ reason, actor }) =>
      journey.apply({ type: 'canceled', at: Date.now(), reason, ...(actor && { actor }) }),
    ),
  );
  setHandler(
    updateContactSignal,
    tolerant('updateContact', ({ actor, ...changes }) =>
      journey.apply({ type: 'contact_updated', at: Date.now(), changes, ...(actor && { actor }) }),
    ),
  );
  setHandler(
    optOutSignal,
    tolerant('optOut', ({ channel, actor }) =>
      journey.apply({ type: 'opted_out', at: Date.now(), channel, ...(actor && { actor }) }),
    ),
  );
  setHandler(
    optInSignal,
    tolerant('optIn', ({ channel, actor }) =>
      journey.apply({ type: 'opted_in', at: Date.now(), channel, ...(actor && { actor }) }),
    ),
  );
  setHandler(
    buyerActionSignal,
    tolerant('buyerAction', ({ action, amountMinor, actor }) =>
      journey.apply({
        type: 'buyer_action',
        at: Date.now(),
        action,
        ...(Number.isSafeInteger(amountMinor) && { amountMinor }),
        ...(actor && { actor }),
      }),
    ),
  );
  setHandler(
    handoffSignal,
    tolerant('handoff', ({ taskId, state, actor }) => {
      if (typeof taskId !== 'string' || taskId.length === 0) throw new Error('a handoff needs a taskId');
      const now = Date.now();
      if (state === 'opened') {
        const until = now + handoffHoldHours(journey.state().policy) * 3_600_000;
        journey.apply({ type: 'handoff_opened', at: now, taskId, until, ...(actor && { actor }) });
      } else if (state === 'closed') {
        journey.apply({ type: 'handoff_closed', at: now, taskId, ...(actor && { actor }) });
      } else throw new Error('a handoff is opened or closed');
    }),
  );
  setHandler(
    changeDueDateUpdate,
    ({ dueDate, actor }) => {
      const now = Date.now();
      journey.apply({
        type: 'due_date_changed',
        at: now,
        from: journey.state().dueDate,
        to: dueDate,
        ...(actor && { actor }),
      });
      return { dueDate: journey.state().dueDate, status: journeyStatus(journey.state(), now) };
    },
    {
      validator: ({ dueDate }) => {
        const refusal = checkDueDateChange(journey.state(), dueDate, Date.now());
        if (refusal) throw refused(DUE_DATE_REFUSED, DUE_DATE_REFUSAL_MESSAGES[refusal], refusal);
      },
    },
  );
  setHandler(
    promiseToPayUpdate,
    ({ date, amountMinor, actor }) => {
      // A marker only (nothing branches on it): the history shows which runs took a promise, and old
      // histories — which hold none — replay the same either way.
      patched(PROMISES_TO_PAY);
      const now = Date.now();
      const event = promiseMadeEvent(journey.state(), { date, amountMinor }, now, actor);
      journey.apply(event);
      return {
        date: event.date,
        amountMinor: event.amountMinor,
        holdsUntil: isoInstant(event.until),
        status: journeyStatus(journey.state(), now),
      };
    },
    {
      validator: ({ date, amountMinor }) => {
        const refusal = checkPromiseOn(journey.state(), { date, amountMinor }, Date.now());
        if (refusal) throw refused(PROMISE_REFUSED, PROMISE_REFUSAL_MESSAGES[refusal], refusal);
      },
    },
  );
}

/** An update's validator refuses: not retried, the reason in the details for the caller to map. */
function refused(type: string, message: string, reason: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, details: [reason], nonRetryable: true });
}
