/**
 * A payment's details: its purchase, the buyer, the purchase's money by standing, every
 * installment, and the asked-for installment's journey timeline (attempts and audit events,
 * without personal data) with a link to its workflow in the Temporal UI.
 */
import {
  findInstallmentPlace,
  journeyTimelineSql,
  policyChoiceSql,
  purchaseInstallmentsSql,
} from '../db/report-details';
import type { AuditEvent } from '../domain/journey';
import { isoInstant } from '../domain/local-time';
import { redactText } from '../domain/redaction';
import { purchaseAmounts } from '../domain/reports';
import { journeyWorkflowId } from '../workflows/messages';
import { trackingRow } from './report-tracking';
import type { InstallmentRef, PaymentDetails, ReportsDeps, TimelineEntry } from './report-types';

export async function paymentDetails(
  deps: ReportsDeps,
  tenantId: string,
  ref: InstallmentRef,
): Promise<PaymentDetails | null> {
  const place =
    'installmentId' in ref
      ? await findInstallmentPlace(deps.db, tenantId, ref.installmentId)
      : { purchaseKey: ref.purchaseId, number: ref.number };
  if (!place) return null;
  const facts = await purchaseInstallmentsSql(deps.db, tenantId, place.purchaseKey, deps.now());
  const asked = facts.find((f) => f.number === place.number);
  if (!asked) return null;
  const workflowId = asked.journeyId && asked.installmentId ? journeyWorkflowId(tenantId, asked.installmentId) : null;
  const [timeline, policyChoice] = asked.journeyId
    ? await Promise.all([
        journeyTimeline(deps, tenantId, asked.journeyId),
        policyChoiceSql(deps.db, tenantId, asked.journeyId),
      ])
    : [[], null];
  return {
    purchase: {
      purchaseId: asked.purchaseId,
      productId: asked.productId,
      productName: asked.productName,
      currency: asked.currency,
    },
    buyer: {
      buyerId: asked.buyerId,
      name: asked.buyer.name,
      email: asked.buyer.email ?? null,
      country: asked.buyer.country ?? null,
    },
    amounts: purchaseAmounts(facts),
    installments: facts.map(trackingRow),
    installment: {
      ...trackingRow(asked),
      timeline,
      workflowId,
      policyChoice,
      temporalUiUrl:
        workflowId && deps.temporalUi
          ? `${deps.temporalUi.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(
              deps.temporalUi.namespace,
            )}/workflows/${encodeURIComponent(workflowId)}`
          : null,
    },
  };
}

async function journeyTimeline(deps: ReportsDeps, tenantId: string, journeyId: string): Promise<TimelineEntry[]> {
  const { attempts, events } = await journeyTimelineSql(deps.db, tenantId, journeyId);
  const entries: (TimelineEntry & { ms: number; order: number })[] = [
    ...attempts.map((a, order) => ({
      ms: a.atMs,
      order,
      at: isoInstant(a.atMs),
      kind: 'attempt' as const,
      type: 'reminder',
      channel: a.channel,
      template: a.template,
      status: a.status,
      provider: a.provider,
    })),
    ...events.map((e) => ({ ms: e.atMs, order: e.seq, ...eventEntry(e.atMs, e.payload) })),
  ];
  return entries
    .sort((a, b) => a.ms - b.ms || (a.kind === b.kind ? a.order - b.order : a.kind === 'event' ? -1 : 1))
    .map(({ ms: _ms, order: _order, ...entry }) => entry);
}

/**
 * An audit event as a timeline entry: its actor, and its other fields with any text that could
 * identify someone masked.
 */
export function eventEntry(atMs: number, event: AuditEvent): TimelineEntry {
  const { type, at: _at, actor, ...rest } = event as AuditEvent & { actor?: { kind: string; id: string } };
  const detail = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, typeof value === 'string' ? redactText(value) : value]),
  );
  return {
    at: isoInstant(atMs),
    kind: 'event',
    type,
    ...(actor ? { actor: { kind: actor.kind, id: actor.id } } : {}),
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}
