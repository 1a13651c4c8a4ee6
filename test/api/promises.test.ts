import { afterAll, beforeAll, expect, it } from 'vitest';
import { findJourney, listEvents } from '../../db/journey-repository';
import { journeyWorkflowId } from '../../workflows/messages';
import { describeEachDatabase } from '../support/databases';
import { uniqueId } from '../support/fixtures';
import { type ApiHarness, startApi, startBody } from './support';

/** Wednesday 2026-12-02 12:00 UTC (09:00 in São Paulo): eight days before the bodies' due date of 2026-12-10. */
const NOW = Date.UTC(2026, 11, 2, 12, 0);

interface Problem {
  status: number;
  reason?: string;
  errors?: { in?: string; path: string; message: string }[];
}

describeEachDatabase('promises to pay through the API', (getDb) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi(getDb(), () => NOW);
  });
  afterAll(async () => {
    await api.app.close();
  });

  async function started() {
    const installmentId = uniqueId('inst');
    const response = await api.call({ method: 'POST', url: '/v1/journeys', payload: startBody(installmentId) });
    expect(response.statusCode).toBe(201);
    return installmentId;
  }
  const promise = (installmentId: string, payload: Record<string, unknown>) =>
    api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/promises`, payload });
  const problemOf = (response: { headers: Record<string, unknown>; json(): unknown }) => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return response.json() as Problem;
  };

  it('records the promise: reminders hold until the date plus a day of grace, on record with who promised', async () => {
    const installmentId = await started();
    const response = await promise(installmentId, { date: '2026-12-12' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    // The whole balance by default; the hold ends at midnight starting 14 December in São Paulo.
    expect(body).toMatchObject({ date: '2026-12-12', amountMinor: 19_990, holdsUntil: '2026-12-14T03:00:00.000Z' });
    expect(body.status).toMatchObject({
      stage: 'paused',
      promise: { date: '2026-12-12', amountMinor: 19_990, holdsUntil: '2026-12-14T03:00:00.000Z' },
      nextAction: { kind: 'resume', at: '2026-12-14T03:00:00.000Z' },
    });
    const row = await findJourney(getDb(), 'tenant-a', installmentId);
    expect(row?.status.promise?.date).toBe('2026-12-12');
    const events = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
    expect(events.find((e) => e.type === 'promise_made')?.payload).toMatchObject({
      date: '2026-12-12',
      amountMinor: 19_990,
      actor: { kind: 'api_key' },
    });
  });

  it.each([
    ['in_the_past', { date: '2026-12-01' }, 'date'],
    ['too_far_ahead', { date: '2026-12-17' }, 'date'],
    ['above_outstanding', { date: '2026-12-05', amountMinor: 19_991 }, 'amountMinor'],
    // The default policy takes no partial promise: it covers everything owed.
    ['below_minimum', { date: '2026-12-05', amountMinor: 10_000 }, 'amountMinor'],
  ])(
    'answers 422 with the policy’s reason (%s), naming the field, and records nothing',
    async (reason, payload, path) => {
      const installmentId = await started();
      const response = await promise(installmentId, payload);
      expect(response.statusCode).toBe(422);
      expect(problemOf(response)).toMatchObject({ reason, errors: [{ in: 'body', path }] });
      const events = await listEvents(getDb(), journeyWorkflowId('tenant-a', installmentId));
      expect(events.map((e) => e.type)).not.toContain('promise_made');
    },
  );

  it('refuses a second promise while the first is open (422 promise_open)', async () => {
    const installmentId = await started();
    expect((await promise(installmentId, { date: '2026-12-05' })).statusCode).toBe(201);
    const second = await promise(installmentId, { date: '2026-12-08' });
    expect(second.statusCode).toBe(422);
    expect(problemOf(second).reason).toBe('promise_open');
  });

  it.each([
    [{ date: '12/12/2026' }, 'date'],
    [{ date: '2026-12-12', amountMinor: 0 }, 'amountMinor'],
    [{ date: '2026-12-12', amountMinor: 'all' }, 'amountMinor'],
    [{}, 'date'],
  ])('answers 400 naming the field for a malformed body %o', async (payload, path) => {
    const installmentId = await started();
    const response = await promise(installmentId, payload);
    expect(response.statusCode).toBe(400);
    expect([...new Set(problemOf(response).errors?.map((e) => e.path))]).toEqual([path]);
  });

  it('answers 404 for an unknown installment and 409 for a journey that has ended', async () => {
    expect((await promise('no-such-installment', { date: '2026-12-05' })).statusCode).toBe(404);
    const installmentId = await started();
    await api.call({ method: 'POST', url: `/v1/journeys/${installmentId}/cancel`, payload: { reason: 'manual' } });
    const ended = await promise(installmentId, { date: '2026-12-05' });
    expect(ended.statusCode).toBe(409);
    expect(problemOf(ended).reason).toBe('canceled');
  });

  it('is published in the OpenAPI document', async () => {
    const spec = (await api.call({ method: 'GET', url: '/docs/json', key: null })).json();
    expect(spec.paths['/v1/journeys/{installmentId}/promises']?.post?.operationId).toBe('recordPromiseToPay');
  });
});
