import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_ID, type Policy, buyerAreaLinkTtlDays, defaultPolicy, policySchema } from '../../domain/policy';
import { inQuietHours, policyArb, toMinutes } from '../support/arbitraries';

const clone = (): Policy => structuredClone(defaultPolicy);

type Loose = Record<string, unknown>;

/** The default policy with the value at a dotted path (array indices as numbers) replaced. */
function withValue(path: string, value: unknown): Loose {
  const root = clone() as unknown as Loose;
  const keys = path.split('.');
  let node = root;
  for (const k of keys.slice(0, -1)) node = node[k] as Loose;
  node[keys[keys.length - 1]!] = value;
  return root;
}

function issuePaths(input: unknown): string[] {
  const r = policySchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => i.path.join('.'));
}

describe('default policy', () => {
  it('validates against policySchema unchanged', () => {
    const r = policySchema.safeParse(defaultPolicy);
    expect(r.success).toBe(true);
    expect(r.data).toEqual(defaultPolicy);
    expect(defaultPolicy.id).toBe(DEFAULT_POLICY_ID);
  });

  it('is the ladder the product promises: -3 email, due email, +1 sms, +3 whatsapp, +7 email, +14 sms, +21 whatsapp, +30 write-off', () => {
    expect(defaultPolicy.steps.map((s) => [s.offsetDays, s.channel])).toEqual([
      [-3, 'email'],
      [0, 'email'],
      [1, 'sms'],
      [3, 'whatsapp'],
      [7, 'email'],
      [14, 'sms'],
      [21, 'whatsapp'],
    ]);
    expect(defaultPolicy.finalAction).toEqual({ action: 'write_off', offsetDays: 30 });
    // Sunday is not a contact day by default.
    expect(defaultPolicy.allowedWeekdays).not.toContain(7);
  });

  it('never asks to send inside its own quiet hours', () => {
    for (const step of defaultPolicy.steps)
      expect(inQuietHours(defaultPolicy.quietHours, toMinutes(step.sendAt))).toBe(false);
  });
});

describe('policy validation names the field', () => {
  it('takes a step on any channel of the table, the in-app one too; an unknown channel → steps.N.channel', () => {
    const p = clone();
    p.steps[2]!.channel = 'in_app';
    expect(issuePaths(p)).toEqual([]);
    (p.steps[3] as { channel: string }).channel = 'pigeon';
    expect(issuePaths(p)).toEqual(['steps.3.channel']);
  });

  it('steps out of order → steps.N.offsetDays', () => {
    const p = clone();
    p.steps[4]!.offsetDays = 2; // after +3
    expect(issuePaths(p)).toEqual(['steps.4.offsetDays']);
  });

  it('a final action before the last step → finalAction.offsetDays', () => {
    const p = clone();
    p.finalAction.offsetDays = 20; // last step is +21
    expect(issuePaths(p)).toEqual(['finalAction.offsetDays']);
  });

  it('quiet hours that start when they end → quietHours', () => {
    const p = clone();
    p.quietHours = { start: '22:00', end: '22:00' };
    expect(issuePaths(p)).toEqual(['quietHours']);
  });

  it('a send time inside quiet hours → steps.N.sendAt (boundaries: the end is allowed, the start is not)', () => {
    const p = clone();
    p.steps[1]!.sendAt = '21:00'; // quiet from 21:00
    p.steps[2]!.sendAt = '07:59';
    p.steps[3]!.sendAt = '08:00'; // quiet ends at 08:00: allowed
    expect(issuePaths(p)).toEqual(['steps.1.sendAt', 'steps.2.sendAt']);
    const daytimeQuiet = clone();
    daytimeQuiet.quietHours = { start: '12:00', end: '14:00' };
    daytimeQuiet.steps[0]!.sendAt = '13:00';
    expect(issuePaths(daytimeQuiet)).toEqual(['steps.0.sendAt']);
  });

  it('rejects the shape that used to stall the planner: an evening send time in quiet hours with alternate weekdays', () => {
    // Monday/Wednesday/Friday only, and a 21:30 send time inside 21:00–08:00 quiet hours: each day's
    // quiet end fell on a disallowed day, and each next allowed day's send time was quiet again.
    const p = clone();
    p.allowedWeekdays = [1, 3, 5];
    p.steps = [{ offsetDays: 0, channel: 'email', template: 'due_today', sendAt: '21:30' }];
    expect(issuePaths(p)).toEqual(['steps.0.sendAt']);
  });

  it.each([
    ['an id with capitals and a space', 'id', 'Default Policy'],
    ['version 0', 'version', 0],
    ['no steps', 'steps', []],
    ['unknown channel', 'steps.0.channel', 'fax'],
    ['bad template key', 'steps.2.template', 'Overdue Early'],
    ['bad send time', 'steps.3.sendAt', '25:00'],
    ['fractional offset', 'steps.3.offsetDays', 3.5],
    ['bad quiet start', 'quietHours.start', '9pm'],
    ['weekday 0', 'allowedWeekdays.0', 0],
    ['no weekday', 'allowedWeekdays', []],
    ['cap above 7', 'maxContactsPer7Days', 8],
    ['negative reschedule count', 'reschedule.maxTimes', -1],
    ['negative partial minimum', 'partialPayments.minimumMinor', -5],
    ['unknown final action', 'finalAction.action', 'sue'],
  ] as [string, string, unknown][])('%s → %s', (_name, path, value) => {
    expect(issuePaths(withValue(path, value))).toContain(path);
  });

  it('property: shuffling a valid ladder is rejected exactly at the steps that go backwards', () => {
    fc.assert(
      fc.property(
        policyArb.chain((p) =>
          fc.tuple(
            fc.constant(p),
            fc.shuffledSubarray(p.steps, { minLength: p.steps.length, maxLength: p.steps.length }),
          ),
        ),
        ([policy, shuffled]) => {
          const offsets = shuffled.map((s) => s.offsetDays);
          const expected = offsets.flatMap((o, i) => (i > 0 && o < offsets[i - 1]! ? [`steps.${i}.offsetDays`] : []));
          const paths = issuePaths({ ...policy, steps: shuffled });
          expect(paths.filter((p) => p.endsWith('offsetDays') && p.startsWith('steps'))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('payment-area link lifetime', () => {
  it('is 30 days when the policy does not say (policies saved before the setting)', () => {
    expect(defaultPolicy.buyerArea).toBeUndefined();
    expect(buyerAreaLinkTtlDays(defaultPolicy)).toBe(30);
  });

  it.each([1, 7, 90])('%i days is a lifetime a policy may set', (linkTtlDays) => {
    const p = { ...clone(), buyerArea: { linkTtlDays } };
    expect(issuePaths(p)).toEqual([]);
    expect(buyerAreaLinkTtlDays(policySchema.parse(p))).toBe(linkTtlDays);
  });

  it.each([0, 91, 7.5, '30', null])('%j → buyerArea.linkTtlDays', (linkTtlDays) => {
    expect(issuePaths({ ...clone(), buyerArea: { linkTtlDays } })).toEqual(['buyerArea.linkTtlDays']);
  });
});
