/**
 * A handoff to a person holds the journey's reminders: opened → the ladder pauses until the
 * hold's end (or the task's close), closed → it resumes, but only from the hold of that task —
 * a manual pause is never lifted by a task's close.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Actor, type JourneyEvent, type JourneyState, dispatch, nextAction, stageAt } from '../../domain/journey';
import { DEFAULT_HANDOFF_HOLD_HOURS, defaultPolicy, handoffHoldHours, policySchema } from '../../domain/policy';
import { START, apply, begin, sp } from './reference-journey';

const HOUR = 3_600_000;
const opened = (taskId: string, at: number, hours = 48): JourneyEvent => ({
  type: 'handoff_opened',
  at,
  taskId,
  until: at + hours * HOUR,
  actor: { kind: 'system', id: 'assistant' },
});
const closed = (taskId: string, at: number, actor?: Actor): JourneyEvent => ({
  type: 'handoff_closed',
  at,
  taskId,
  ...(actor && { actor }),
});

describe('handoff hold', () => {
  it('holds the ladder until the hold ends, and records the opening once (a redelivered signal changes nothing)', () => {
    const at = sp(3, 16, 10);
    const state = apply(begin(), opened('task-1', at));
    expect(state.paused).toEqual({ since: at, until: at + 48 * HOUR, heldBy: 'handoff' });
    expect(stageAt(state, at)).toBe('paused');
    expect(nextAction(state, at + HOUR)).toEqual({ kind: 'wait', until: at + 48 * HOUR, reason: 'paused' });
    expect(nextAction(state, at + 48 * HOUR)).toEqual({ kind: 'resume' });
    expect(dispatch(state, opened('task-1', at + HOUR)).recorded).toBeNull();
  });

  it('the close of the task resumes the ladder, and is recorded with its actor', () => {
    const at = sp(3, 16, 10);
    const held = apply(begin(), opened('task-1', at));
    const result = dispatch(held, closed('task-1', at + HOUR, { kind: 'api_key', id: 'key-1' }));
    expect(result.state.paused).toBeNull();
    expect(result.recorded).toMatchObject({ type: 'handoff_closed', taskId: 'task-1', actor: { id: 'key-1' } });
    expect(dispatch(result.state, closed('task-1', at + 2 * HOUR)).recorded).toBeNull();
  });

  it('a close of a task that never held this journey changes nothing', () => {
    const held = apply(begin(), opened('task-1', sp(3, 16, 10)));
    expect(dispatch(held, closed('task-2', sp(3, 16, 11))).recorded).toBeNull();
  });

  it('two open tasks: the hold lasts to the later end and is lifted when the last closes', () => {
    const at = sp(3, 16, 10);
    const state = apply(begin(), opened('a', at, 48), opened('b', at + HOUR, 48));
    expect(state.paused?.until).toBe(at + 49 * HOUR);
    const oneClosed = apply(state, closed('a', at + 2 * HOUR));
    expect(oneClosed.paused).not.toBeNull();
    expect(apply(oneClosed, closed('b', at + 3 * HOUR)).paused).toBeNull();
  });

  it('a manual pause while held replaces the hold: the task’s close leaves it', () => {
    const at = sp(3, 16, 10);
    const state = apply(
      begin(),
      opened('task-1', at),
      { type: 'paused', at: at + HOUR, until: at + 48 * HOUR },
      closed('task-1', at + 2 * HOUR),
    );
    expect(state.paused).toEqual({ since: at, until: at + 48 * HOUR });
  });

  it('a handoff over a manual pause leaves the pause as it is, and its close does not lift it', () => {
    const at = sp(3, 16, 10);
    const paused = apply(begin(), { type: 'paused', at, until: null });
    const withTask = dispatch(paused, opened('task-1', at + HOUR));
    expect(withTask.recorded?.type).toBe('handoff_opened');
    expect(withTask.state.paused).toEqual(paused.paused);
    expect(apply(withTask.state, closed('task-1', at + 2 * HOUR)).paused).toEqual(paused.paused);
  });

  it('after the journey closed, a handoff changes nothing', () => {
    const at = sp(3, 16, 10);
    const canceled = apply(begin(), { type: 'canceled', at, reason: 'manual' });
    expect(dispatch(canceled, opened('task-1', at + HOUR)).recorded).toBeNull();
  });

  it('property: a manual pause is never lifted by a handoff close', () => {
    type Op = { kind: 'open' | 'close'; task: number } | { kind: 'pause'; until: number | null } | { kind: 'resume' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), task: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('close' as const), task: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        kind: fc.constant('pause' as const),
        until: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }),
      }),
      fc.constant({ kind: 'resume' as const }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }),
        (ops, closes) => {
          let state: JourneyState = begin();
          let at = sp(3, 16, 10);
          for (const o of ops) {
            at += HOUR;
            const event: JourneyEvent =
              o.kind === 'open'
                ? opened(`t${o.task}`, at)
                : o.kind === 'close'
                  ? closed(`t${o.task}`, at)
                  : o.kind === 'pause'
                    ? { type: 'paused', at, until: o.until === null ? null : at + o.until * HOUR }
                    : { type: 'resumed', at };
            state = dispatch(state, event).state;
          }
          // Now a manual pause; whatever handoffs close (or open and close) after it, it stays.
          at += HOUR;
          state = dispatch(state, { type: 'paused', at, until: null }).state;
          const manual = state.paused;
          expect(manual).toEqual({ since: expect.any(Number), until: null });
          for (const task of closes) {
            at += HOUR;
            state = dispatch(state, opened(`t${task}`, at)).state;
            state = dispatch(state, closed(`t${task}`, at + 1)).state;
            state = dispatch(state, closed(`t${(task + 1) % 4}`, at + 2)).state;
          }
          expect(state.paused).toEqual(manual);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('policy: the assistant’s handoff hold', () => {
  it('defaults to 48 hours; a policy may set 1 to 168', () => {
    expect(DEFAULT_HANDOFF_HOLD_HOURS).toBe(48);
    expect(handoffHoldHours(defaultPolicy)).toBe(48);
    expect(handoffHoldHours({ assistant: { handoffHoldHours: 6 } })).toBe(6);
    const base = { ...defaultPolicy };
    expect(policySchema.safeParse({ ...base, assistant: { handoffHoldHours: 168 } }).success).toBe(true);
    expect(policySchema.safeParse({ ...base, assistant: { handoffHoldHours: 0 } }).success).toBe(false);
    expect(policySchema.safeParse({ ...base, assistant: { handoffHoldHours: 169 } }).success).toBe(false);
    expect(policySchema.safeParse({ ...base, assistant: { handoffHoldHours: 1.5 } }).success).toBe(false);
  });

  it('the reference journey starts unpaused', () => {
    expect(begin().paused).toBeNull();
    expect(START).toBeLessThan(sp(3, 16, 10));
  });
});
