/**
 * The open agent tasks page on PostgreSQL and PGlite: only the account's open tasks, the newest
 * first, each linking to the payment details of its journey's installment; a page link that is
 * not ours answers 400 with the page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeAgentTaskRow, openAgentTask } from '../../db/conversation-repository';
import { findJourney } from '../../db/journey-repository';
import { defaultPolicy } from '../../domain/policy';
import { PANEL_COPY } from '../../web/panel/copy';
import { describeEachDatabase } from '../support/databases';
import { makeInstallment, uniqueId } from '../support/fixtures';
import { InMemoryJourneyGateway } from '../support/in-memory-gateway';
import { collaborator, panelApp } from './panel-fixtures';

const T0 = new Date('2026-03-10T08:00:00Z');

describeEachDatabase('panel tasks page', (getDb) => {
  const tenantId = 'tenant-a';
  let app: FastifyInstance;
  let installmentId: string;
  let ids: { handoff: string; call: string; closed: string; otherTenant: string };

  beforeAll(async () => {
    const db = getDb();
    const installment = makeInstallment();
    installmentId = installment.installmentId;
    await new InMemoryJourneyGateway(db, () => T0.getTime()).start(installment, defaultPolicy);
    const journey = await findJourney(db, tenantId, installmentId);
    ids = {
      handoff: uniqueId('task'),
      call: uniqueId('task'),
      closed: uniqueId('task'),
      otherTenant: uniqueId('task'),
    };
    const task = { tenantId, buyerId: 'buyer-1', reason: 'asked_for_human', holdUntil: null, at: T0 };
    await openAgentTask(db, { ...task, id: ids.handoff, kind: 'handoff', conversationId: 'conversation/x' });
    await openAgentTask(db, {
      ...task,
      id: ids.call,
      kind: 'call',
      reason: 'call_step',
      journeyId: journey!.id,
      at: new Date(T0.getTime() + 60_000),
    });
    await openAgentTask(db, { ...task, id: ids.closed, kind: 'handoff', reason: 'closed_one' });
    await closeAgentTaskRow(db, {
      tenantId,
      taskId: ids.closed,
      closedBy: { kind: 'user', id: 'usr_1' },
      at: new Date(T0.getTime() + 120_000),
    });
    await openAgentTask(db, {
      ...task,
      tenantId: 'tenant-b',
      id: ids.otherTenant,
      kind: 'handoff',
      reason: 'not_ours',
    });
    app = await panelApp({
      db,
      seller: () => collaborator('pt-BR', ['conversations:read'], tenantId),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('offers in the navigation only the pages its profile opens: Tasks and Accounts', async () => {
    const body = (await app.inject('/app/tasks')).body;
    const nav = [...body.matchAll(/<ul class="seller-nav">([^]*?)<\/ul>/g)].map((m) => m[1]).join('');
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/app/tasks', '/app/accounts']);
  });

  it('lists the open tasks of the account, newest first, the call linking to its payment', async () => {
    const response = await app.inject('/app/tasks');
    expect(response.statusCode).toBe(200);
    const body = response.body;
    expect(body).toContain(PANEL_COPY['pt-BR'].tasks.title);
    const callRow = body.indexOf(PANEL_COPY['pt-BR'].tasks.kinds.call);
    const handoffRow = body.indexOf(PANEL_COPY['pt-BR'].tasks.kinds.handoff);
    expect(callRow).toBeGreaterThan(-1);
    expect(handoffRow).toBeGreaterThan(callRow);
    expect(body).toContain(`href="/app/payments/${encodeURIComponent(installmentId)}"`);
    expect(body.match(/<tr>/g)).toHaveLength(3); // the header row and the two open tasks
    expect(body).not.toContain('closed_one');
    expect(body).not.toContain('not_ours');
  });

  it('answers a page link that is not one of ours with the page and a 400', async () => {
    const response = await app.inject('/app/tasks?cursor=not-a-cursor');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(PANEL_COPY['pt-BR'].problems.bad_cursor);
  });
});
