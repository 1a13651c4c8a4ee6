/**
 * What must hold once the load has stopped and the worker has caught up, read from the
 * database and from Temporal's visibility — never from the API under test:
 *
 *  - every accepted start has exactly one journey row and one workflow; nothing exists for an
 *    installment that was never started;
 *  - every accepted payment is recorded exactly once (its row and its audit event), and each
 *    journey's paid total is the sum of its accepted payments;
 *  - no reminder went out twice: at most one attempt that reached the buyer per journey, plan
 *    revision and step, and one `step_sent` event each, matching the attempts one to one.
 */
import type { Client } from '@temporalio/client';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { CONTACT_STATUSES } from '../../db/contact-repository';
import { attempts, events, journeys, payments } from '../../db/schema';
import { JOURNEY_WORKFLOW_TYPE, journeyWorkflowId } from '../../workflows/messages';
import { delay } from './cleanup';
import type { Ledger } from './load';

export interface Check {
  name: string;
  pass: boolean;
  /** The figures behind the verdict, and the first offenders when it fails. */
  detail: string;
}

interface Snapshot {
  journeys: (typeof journeys.$inferSelect)[];
  payments: (typeof payments.$inferSelect)[];
  paymentEvents: { journeyId: string; paymentId: string }[];
  sentEvents: { journeyId: string; revision: number; stepIndex: number; attemptId: string }[];
  contacts: (typeof attempts.$inferSelect)[];
  /** Attempts still `sending`: a send cut off, or one the worker has not finished. */
  sending: number;
  workflows: { workflowId: string; runId: string; status: string }[];
}

export interface Verification {
  checks: Check[];
  /** Seconds the worker needed after the load to catch up, or null when it never did. */
  settledAfterSeconds: number | null;
  /** What did not yet agree when the load stopped, and what still did not at the end. */
  unsettledAtLoadEnd: string[];
  unsettled: string[];
  figures: {
    journeysAccepted: number;
    journeyRows: number;
    workflows: number;
    journeyDuplicates: number;
    paymentsAccepted: number;
    paymentsRecorded: number;
    paymentDuplicates: number;
    messagesChecked: number;
    messageDuplicates: number;
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const first = (items: string[], n = 5) =>
  items.length ? ` — e.g. ${items.slice(0, n).join('; ')}${items.length > n ? ' …' : ''}` : '';

/** Groups keys and returns those seen more than once. */
function repeated(keys: string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}

export class Verifier {
  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly tenantId: string,
    private readonly ledger: Ledger,
  ) {}

  /** Polls until the records agree with what the API accepted, or the time runs out; then judges. */
  async verify(settleTimeoutMs: number): Promise<Verification> {
    const started = Date.now();
    let snapshot = await this.snapshot();
    let unsettled = this.unsettled(snapshot);
    const unsettledAtLoadEnd = unsettled;
    while (unsettled.length > 0 && Date.now() - started < settleTimeoutMs) {
      await delay(2_000);
      snapshot = await this.snapshot();
      unsettled = this.unsettled(snapshot);
    }
    const settledAfterSeconds = unsettled.length === 0 ? (Date.now() - started) / 1000 : null;
    return { ...this.judge(snapshot), settledAfterSeconds, unsettledAtLoadEnd, unsettled };
  }

  private async snapshot(): Promise<Snapshot> {
    const tenant = this.tenantId;
    const [journeyRows, paymentRows, eventRows, attemptRows, workflows] = await Promise.all([
      this.db.select().from(journeys).where(eq(journeys.tenantId, tenant)),
      this.db.select().from(payments).where(eq(payments.tenantId, tenant)),
      this.db
        .select({ journeyId: events.journeyId, payload: events.payload })
        .from(events)
        .where(and(eq(events.tenantId, tenant), inArray(events.type, ['payment_received', 'step_sent']))),
      this.db.select().from(attempts).where(eq(attempts.tenantId, tenant)),
      this.listWorkflows(),
    ]);
    const paymentEvents: Snapshot['paymentEvents'] = [];
    const sentEvents: Snapshot['sentEvents'] = [];
    for (const { journeyId, payload } of eventRows) {
      if (payload.type === 'payment_received') paymentEvents.push({ journeyId, paymentId: payload.paymentId });
      if (payload.type === 'step_sent')
        sentEvents.push({
          journeyId,
          revision: payload.revision,
          stepIndex: payload.stepIndex,
          attemptId: payload.attemptId,
        });
    }
    const contactStatuses: readonly string[] = CONTACT_STATUSES;
    return {
      journeys: journeyRows,
      payments: paymentRows,
      paymentEvents,
      sentEvents,
      contacts: attemptRows.filter((a) => contactStatuses.includes(a.status)),
      sending: attemptRows.filter((a) => a.status === 'sending').length,
      workflows,
    };
  }

  private async listWorkflows(): Promise<Snapshot['workflows']> {
    const found: Snapshot['workflows'] = [];
    const prefix = journeyWorkflowId(this.tenantId, '');
    for await (const wf of this.temporal.workflow.list({ query: `WorkflowType = '${JOURNEY_WORKFLOW_TYPE}'` })) {
      if (wf.workflowId.startsWith(prefix))
        found.push({ workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name });
    }
    return found;
  }

  /** The amount each journey must show as paid: its accepted payments, plus any given up on that did land. */
  private expectedPaid(snapshot: Snapshot): Map<string, number> {
    const recorded = new Set(snapshot.payments.map((p) => p.paymentId));
    const expected = new Map<string, number>();
    for (const record of this.ledger.accepted) {
      const counted = [...record.payments].filter(
        ([id, p]) => p.state === 'accepted' || (p.state === 'gave-up' && recorded.has(id)),
      );
      expected.set(record.installmentId, sum(counted.map(([, p]) => p.amountMinor)));
    }
    return expected;
  }

  /** Why the records do not yet agree with the ledger (empty once the worker has caught up). */
  private unsettled(s: Snapshot): string[] {
    const reasons: string[] = [];
    const rows = new Map(s.journeys.map((j) => [j.installmentId, j]));
    const missing = this.ledger.accepted.filter((r) => !rows.has(r.installmentId)).length;
    if (missing) reasons.push(`${missing} accepted journeys not on record`);
    const expected = this.expectedPaid(s);
    const behind = [...expected].filter(([id, paid]) => {
      const row = rows.get(id);
      return row && row.amountPaidMinor + row.overpaidMinor !== paid;
    }).length;
    if (behind) reasons.push(`${behind} journeys whose paid total differs from their payments`);
    if (s.sending) reasons.push(`${s.sending} attempts still sending`);
    const sentIds = new Set(s.sentEvents.map((e) => e.attemptId));
    const contactIds = new Set(s.contacts.map((a) => a.id));
    const unmatched =
      s.contacts.filter((a) => !sentIds.has(a.id)).length +
      s.sentEvents.filter((e) => !contactIds.has(e.attemptId)).length;
    if (unmatched) reasons.push(`${unmatched} attempts and step_sent events not matching`);
    return reasons;
  }

  private judge(s: Snapshot): Omit<Verification, 'settledAfterSeconds' | 'unsettledAtLoadEnd' | 'unsettled'> {
    const journeys = this.journeyChecks(s);
    const payments = this.paymentChecks(s);
    const messages = this.messageChecks(s);
    return {
      checks: [...journeys.checks, ...payments.checks, ...messages.checks],
      figures: {
        journeysAccepted: this.ledger.accepted.length,
        journeyRows: s.journeys.length,
        workflows: new Set(s.workflows.map((w) => w.workflowId)).size,
        journeyDuplicates: journeys.duplicates,
        paymentsAccepted: payments.accepted,
        paymentsRecorded: s.payments.length,
        paymentDuplicates: payments.duplicates,
        messagesChecked: s.contacts.length,
        messageDuplicates: messages.duplicates,
      },
    };
  }

  private journeyChecks(s: Snapshot): { checks: Check[]; duplicates: number } {
    const installmentOf = (workflowId: string) => workflowId.slice(journeyWorkflowId(this.tenantId, '').length);
    const rows = new Set(s.journeys.map((j) => j.installmentId));
    // A run that continued as new is the same journey; any other second run is a second journey.
    const runs = s.workflows.filter((w) => w.status !== 'CONTINUED_AS_NEW').map((w) => installmentOf(w.workflowId));
    const workflowIds = new Set(runs);
    const doubleRuns = repeated(runs);
    const accepted = this.ledger.accepted.map((r) => r.installmentId);
    const lost = accepted.filter((id) => !rows.has(id) || !workflowIds.has(id));
    const maybe = new Set(
      [...this.ledger.installments.values()].filter((r) => r.start !== 'refused').map((r) => r.installmentId),
    );
    const strays = [...new Set([...rows, ...workflowIds])].filter((id) => !maybe.has(id));
    const neverStarted = strays.filter((id) => this.ledger.neverStarted.has(id)).length;
    const duplicates = doubleRuns.length + this.ledger.repeatedStartsCreated;
    return {
      duplicates,
      checks: [
        {
          name: 'no journey lost',
          pass: lost.length === 0,
          detail: `${accepted.length} accepted starts, ${rows.size} journey rows, ${workflowIds.size} workflows; ${lost.length} without a row or a workflow${first(lost)}`,
        },
        {
          name: 'no journey duplicated',
          pass: duplicates === 0,
          detail: `${doubleRuns.length} installments with more than one workflow run${first(doubleRuns)}; ${this.ledger.repeatedStartsCreated} repeated starts answered as new`,
        },
        {
          name: 'nothing for installments never started',
          pass: strays.length === 0,
          detail: `${this.ledger.neverStarted.size} never-started installments paid (404 expected); ${strays.length} journeys or workflows nobody started (${neverStarted} of those paid)${first(strays)}`,
        },
      ],
    };
  }

  private paymentChecks(s: Snapshot): { checks: Check[]; accepted: number; duplicates: number } {
    const journeyOf = new Map(s.journeys.map((j) => [j.installmentId, j]));
    const rowsByPayment = new Map<string, string[]>();
    for (const p of s.payments)
      rowsByPayment.set(p.paymentId, [...(rowsByPayment.get(p.paymentId) ?? []), p.journeyId]);
    const eventKeys = s.paymentEvents.map((e) => `${e.journeyId} ${e.paymentId}`);
    const eventCount = new Map<string, number>();
    for (const key of eventKeys) eventCount.set(key, (eventCount.get(key) ?? 0) + 1);

    const sent = new Map<string, { installmentId: string; state: string }>();
    for (const record of this.ledger.installments.values())
      for (const [id, p] of record.payments) sent.set(id, { installmentId: record.installmentId, state: p.state });
    const accepted = [...sent].filter(([, p]) => p.state === 'accepted');

    const notOnce: string[] = [];
    for (const [paymentId, { installmentId }] of accepted) {
      const journeyId = journeyOf.get(installmentId)?.id;
      const rows = rowsByPayment.get(paymentId) ?? [];
      const eventsSeen = journeyId ? (eventCount.get(`${journeyId} ${paymentId}`) ?? 0) : 0;
      if (rows.length !== 1 || rows[0] !== journeyId || eventsSeen !== 1)
        notOnce.push(`${paymentId} (${rows.length} rows, ${eventsSeen} events)`);
    }
    const phantoms = [...rowsByPayment.keys()].filter((id) => {
      const state = sent.get(id)?.state;
      return state !== 'accepted' && state !== 'gave-up';
    });
    const duplicates = repeated(eventKeys).length + [...rowsByPayment.values()].filter((r) => r.length > 1).length;

    const expected = this.expectedPaid(s);
    const wrongTotals: string[] = [];
    for (const [installmentId, paid] of expected) {
      const row = journeyOf.get(installmentId);
      if (row && row.amountPaidMinor + row.overpaidMinor !== paid)
        wrongTotals.push(`${installmentId}: ${row.amountPaidMinor}+${row.overpaidMinor} on record, ${paid} accepted`);
    }
    const gaveUp = [...sent.values()].filter((p) => p.state === 'gave-up').length;
    return {
      accepted: accepted.length,
      duplicates,
      checks: [
        {
          name: 'every payment counted once',
          pass: notOnce.length === 0 && phantoms.length === 0 && duplicates === 0,
          detail: `${accepted.length} accepted, ${s.payments.length} recorded (${gaveUp} given up); ${notOnce.length} not recorded exactly once${first(notOnce)}; ${phantoms.length} recorded but never accepted${first(phantoms)}`,
        },
        {
          name: 'paid totals equal the accepted payments',
          pass: wrongTotals.length === 0,
          detail: `${expected.size} journeys, ${sum([...expected.values()])} minor units accepted; ${wrongTotals.length} differ${first(wrongTotals)}`,
        },
      ],
    };
  }

  private messageChecks(s: Snapshot): { checks: Check[]; duplicates: number } {
    const attemptTwice = repeated(s.contacts.map((a) => `${a.journeyId} r${a.planRevision} s${a.stepIndex}`));
    const eventTwice = repeated(s.sentEvents.map((e) => `${e.journeyId} r${e.revision} s${e.stepIndex}`));
    const sentIds = new Set(s.sentEvents.map((e) => e.attemptId));
    const contactIds = new Set(s.contacts.map((a) => a.id));
    const withoutEvent = s.contacts.filter((a) => !sentIds.has(a.id)).map((a) => `${a.id} (${a.status})`);
    const withoutAttempt = s.sentEvents.filter((e) => !contactIds.has(e.attemptId)).map((e) => e.attemptId);
    return {
      duplicates: attemptTwice.length + eventTwice.length,
      checks: [
        {
          name: 'no message sent twice',
          pass: attemptTwice.length === 0 && eventTwice.length === 0,
          detail: `${s.contacts.length} messages that reached a buyer; ${attemptTwice.length} journey steps with two${first(attemptTwice)}; ${eventTwice.length} steps recorded sent twice${first(eventTwice)}`,
        },
        {
          name: 'every message on record in its journey',
          pass: withoutEvent.length === 0 && withoutAttempt.length === 0 && s.sending === 0,
          detail: `${s.sentEvents.length} step_sent events; ${withoutEvent.length} attempts without one${first(withoutEvent)}; ${withoutAttempt.length} events without an attempt${first(withoutAttempt)}; ${s.sending} left sending`,
        },
      ],
    };
  }
}
