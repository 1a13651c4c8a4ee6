/**
 * The Temporal-facing gateway, without a Temporal server (none runs here, DESIGN.md section 6):
 *
 *  - outages through the real SDK client, pointed at a port that accepts and never answers and at
 *    a closed port: every call must end (deadline) as JourneyServiceUnavailableError;
 *  - the mapping from client errors to that typed error, as a pure function;
 *  - what the gateway sends (query argument, update ID, deadline), through a minimal stand-in for
 *    the few client members it uses.
 */
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import {
  Client,
  Connection,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JourneyServiceUnavailableError, type JourneyGateway } from '../../application/journey-gateway';
import { TemporalJourneyGateway, serviceUnavailable } from '../../application/temporal-journey-gateway';
import { makeInstallment } from '../support/fixtures';
import { builtInPolicies } from '../../application/policy-catalog';

const ref = { tenantId: 'tenant-a', installmentId: 'inst-1' };

/** The shape @grpc/grpc-js gives a failed call (`ServiceError`): code, details, metadata. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('serviceUnavailable (client error → typed error)', () => {
  it.each([
    ['gRPC UNAVAILABLE itself', grpcError(14, 'connection refused')],
    [
      'gRPC DEADLINE_EXCEEDED inside a ServiceError',
      new ServiceError('Failed to signal Workflow', { cause: grpcError(4, 'Deadline exceeded') }),
    ],
    [
      'an update RPC timeout',
      new WorkflowUpdateRPCTimeoutOrCancelledError('timeout', { cause: grpcError(4, 'Deadline exceeded') }),
    ],
    [
      'an update the server canceled (its worker killed)',
      new WorkflowUpdateRPCTimeoutOrCancelledError('cancelled', { cause: grpcError(1, 'Call cancelled') }),
    ],
    [
      'a failed connect',
      new ServiceError('Failed to connect to Temporal server', { cause: grpcError(14, 'No connection established') }),
    ],
  ])('maps %s', (_label, err) => {
    const mapped = serviceUnavailable(err);
    expect(mapped).toBeInstanceOf(JourneyServiceUnavailableError);
    expect(mapped?.cause).toBe(err);
    expect(mapped?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    ['gRPC NOT_FOUND', new ServiceError('x', { cause: grpcError(5, 'not found') })],
    ['gRPC CANCELLED', grpcError(1, 'cancelled')],
    ['WorkflowNotFoundError', new WorkflowNotFoundError('gone', 'wf', undefined)],
    ['a plain error', new Error('bug')],
    ['a non-error', 'nope'],
  ])('leaves %s alone', (_label, err) => {
    expect(serviceUnavailable(err)).toBeNull();
  });
});

describe('TemporalJourneyGateway when Temporal does not answer (real client, no server)', () => {
  let blackHole: Server;
  const sockets: Socket[] = [];
  let silentPort = 0;
  let closedPort = 0;
  const connections: Connection[] = [];

  beforeAll(async () => {
    blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    silentPort = (blackHole.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  function gatewayAt(port: number) {
    const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
    connections.push(connection);
    return new TemporalJourneyGateway(new Client({ connection }), 'dunning-test', { timeoutMs: 300 });
  }

  const calls: [string, (g: JourneyGateway) => Promise<unknown>][] = [
    ['start', async (g) => g.start(makeInstallment(), (await builtInPolicies.resolve('tenant-a', undefined))!)],
    ['status', (g) => g.status(ref)],
    ['reportPayment', (g) => g.reportPayment(ref, { paymentId: 'p1', amountMinor: 100, currency: 'BRL' })],
    ['changeDueDate', (g) => g.changeDueDate(ref, { dueDate: '2026-12-20' })],
    ['pause', (g) => g.pause(ref, { until: null })],
    ['cancel', (g) => g.cancel(ref, { reason: 'manual' })],
  ];

  // Without a deadline these calls wait forever: the test's own timeout fails them.
  const NO_HANG = 15_000;

  it.each(calls)(
    '%s ends with JourneyServiceUnavailableError when the server never answers',
    async (_name, call) => {
      await expect(call(gatewayAt(silentPort))).rejects.toBeInstanceOf(JourneyServiceUnavailableError);
    },
    NO_HANG,
  );

  it.each(calls)(
    '%s ends with JourneyServiceUnavailableError when nothing listens',
    async (_name, call) => {
      await expect(call(gatewayAt(closedPort))).rejects.toBeInstanceOf(JourneyServiceUnavailableError);
    },
    NO_HANG,
  );
});

describe('TemporalJourneyGateway requests', () => {
  /** Stands in for the members of Client the gateway uses, recording what it is asked. */
  function recordingClient() {
    const seen = {
      deadlines: [] as number[],
      queries: [] as unknown[][],
      updates: [] as { name: string; options: unknown }[],
    };
    const handle = {
      describe: async () => ({ status: { name: 'RUNNING' } }),
      query: async (_query: unknown, ...args: unknown[]) => {
        seen.queries.push(args);
        return { stage: 'overdue' };
      },
      executeUpdate: async (update: { name: string }, options: unknown) => {
        seen.updates.push({ name: update.name, options });
        return { dueDate: '2026-12-20', status: {} };
      },
    };
    const client = {
      withDeadline: <R>(deadline: number | Date, fn: () => Promise<R>) => {
        seen.deadlines.push(Number(deadline));
        return fn();
      },
      workflow: { getHandle: () => handle },
    };
    return { client: client as unknown as Client, seen };
  }

  it('asks the status as of now: inside a query the workflow clock stands at its last event', async () => {
    const { client, seen } = recordingClient();
    const before = Date.now();
    await new TemporalJourneyGateway(client, 'q').status(ref);
    const after = Date.now();
    expect(seen.queries).toHaveLength(1);
    const [options] = seen.queries[0] as [{ asOf: string }];
    expect(options.asOf).toBe(new Date(Date.parse(options.asOf)).toISOString());
    expect(Date.parse(options.asOf)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(options.asOf)).toBeLessThanOrEqual(after);
  });

  it('gives the due-date update the caller’s idempotency key, so a retry attaches to it, and a fresh ID otherwise', async () => {
    const { client, seen } = recordingClient();
    const gateway = new TemporalJourneyGateway(client, 'q');
    await gateway.changeDueDate(ref, { dueDate: '2026-12-20' }, { idempotencyKey: 'req-1' });
    await gateway.changeDueDate(ref, { dueDate: '2026-12-20' }, { idempotencyKey: 'req-1' });
    // Moving back to an earlier date is a new change, not a replay of the first one.
    await gateway.changeDueDate(ref, { dueDate: '2026-12-20' });
    expect(seen.updates.map((u) => (u.options as { updateId?: string }).updateId)).toEqual([
      'due-date:req-1',
      'due-date:req-1',
      undefined,
    ]);
  });

  it('puts every call under the configured deadline (10 s unless told; status queries 3 s)', async () => {
    const { client, seen } = recordingClient();
    const before = Date.now();
    await new TemporalJourneyGateway(client, 'q').changeDueDate(ref, { dueDate: '2026-12-20' });
    await new TemporalJourneyGateway(client, 'q', { timeoutMs: 2_000 }).changeDueDate(ref, { dueDate: '2026-12-20' });
    await new TemporalJourneyGateway(client, 'q').status(ref);
    await new TemporalJourneyGateway(client, 'q', { queryTimeoutMs: 500 }).status(ref);
    const after = Date.now();
    const expected = [10_000, 2_000, 3_000, 500];
    expect(seen.deadlines).toHaveLength(expected.length);
    expected.forEach((ms, i) => {
      expect(seen.deadlines[i]).toBeGreaterThanOrEqual(before + ms);
      expect(seen.deadlines[i]).toBeLessThanOrEqual(after + ms);
    });
  });
});
