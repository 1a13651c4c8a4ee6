/**
 * The pure domain's hot path: what a workflow task and a start request compute for a journey —
 * its plan, its status and its next action — and the compliance guard before a send, against
 * `JSON.parse` of the installment (a cost every request pays anyway). The inputs cycle through
 * many due dates, instants and zones (half-hour and DST ones among them), so a cache is measured
 * as production uses it, not on one repeated input.
 */
import { contactRulesOf, guardSend } from '../../domain/compliance';
import { nextAction, planOf, startJourney } from '../../domain/journey';
import { addDays, zonedToInstant } from '../../domain/local-time';
import { defaultPolicy } from '../../domain/policy';
import { journeyStatus } from '../../domain/status';
import { makeInstallment } from '../../test/support/fixtures';
import { type Figure, type Section, fmt, nsPerCall } from '../figures';

const ZONES = ['America/New_York', 'America/Sao_Paulo', 'Europe/Madrid', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const VARIANTS = 2_000;
const HOUR = 3_600_000;

function journeys() {
  return Array.from({ length: VARIANTS }, (_, i) => {
    const dueDate = addDays('2026-01-01', (i * 7) % 730);
    const installment = makeInstallment({
      installmentId: `inst-${i}`,
      dueDate,
      buyer: { timezone: ZONES[i % ZONES.length]! },
    });
    const startedAt = Date.parse(`${dueDate}T00:00:00Z`) - 5 * 24 * HOUR;
    const { state } = startJourney(installment, defaultPolicy, startedAt);
    // Somewhere between the start and three weeks past due: early and late states alike.
    const now = startedAt + ((i * 37) % (26 * 24)) * HOUR;
    // 11:00 on a Tuesday in the buyer's zone: inside every rule of the default policy.
    const timeZone = installment.buyer.timezone;
    const allowedAt = zonedToInstant(addDays('2026-12-01', 7 * (i % 100)), '11:00', timeZone);
    return { installment, state, now, timeZone, allowedAt };
  });
}

export const plan: Section = {
  name: 'plan',
  title: 'plan + status + next action of a 7-step journey, and the compliance guard, vs JSON.parse of the installment',
  async run({ runs }) {
    const cases = journeys();
    const texts = cases.map((c) => JSON.stringify(c.installment));
    let i = 0;
    const parse = nsPerCall(() => JSON.parse(texts[i++ % VARIANTS]!), runs);
    const journey = nsPerCall(() => {
      const { state, now } = cases[i++ % VARIANTS]!;
      return [planOf(state, now), journeyStatus(state, now), nextAction(state, now)];
    }, runs);
    const rules = contactRulesOf(defaultPolicy);
    const guard = nsPerCall(() => {
      const { timeZone, allowedAt } = cases[i++ % VARIANTS]!;
      const decision = guardSend({
        rules,
        timeZone,
        channel: 'email',
        now: allowedAt,
        buyer: { contacts: [allowedAt - 3 * 24 * HOUR], optedOut: [], suppressed: [], lastWhatsAppInboundAt: null },
        whatsappTemplateAvailable: true,
      });
      if (decision.verdict !== 'allow') throw new Error(`the guard did not allow ${timeZone} ${allowedAt}`);
      return decision;
    }, runs);
    console.log(`  JSON.parse ${fmt.us(parse)} · plan+status+next ${fmt.us(journey)} · guard ${fmt.us(guard)}`);
    return [
      {
        goal: 'plan + status + next action (7 steps)',
        measured: fmt.us(journey),
        baseline: `${fmt.us(parse)} JSON.parse`,
        ratio: journey / parse,
        target: '≤ 20 µs and ≤ 10 ×',
        pass: journey <= 20_000 && journey / parse <= 10,
      },
      {
        goal: 'compliance guard (allowed)',
        measured: fmt.us(guard),
        baseline: `${fmt.us(parse)} JSON.parse`,
        ratio: guard / parse,
        target: '≤ 5 µs',
        pass: guard <= 5_000,
      },
    ] satisfies Figure[];
  },
};
