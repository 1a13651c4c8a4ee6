/**
 * The soak's printout: the faults and when they happened, the requests by kind and their answers
 * by class, every 5xx grouped by route and body (with the API's own logged cause of any 500), the
 * journey, payment and message figures, and each check with PASS or FAIL.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Check, Verification } from './checks';
import type { Crash } from './processes';
import { KINDS, type ServerError, type Traffic } from './traffic';

export interface Timeline {
  loadStart: number;
  loadEnd?: number;
  dbDown?: number;
  dbUp?: number;
  workerKilled?: number;
  workerPolling?: number;
}

export interface Report {
  traffic: Traffic;
  timeline: Timeline;
  verification: Verification;
  checks: Check[];
  apiCrashes: Crash[];
  /** Holds the API's logs (`api-<n>.log`), the workers' and the Temporal server's. */
  logDir: string;
  wallSeconds: number;
  seconds: number;
  clients: number;
}

/** Answers shortly after the database restart still belong to it: connection pools reconnect. */
const DB_AFTERMATH_MS = 15_000;
/**
 * What the killed worker held comes back only when it times out: workflow tasks after seconds,
 * activities after their start-to-close timeout (a minute for deliveries).
 */
const WORKER_AFTERMATH_MS = 60_000;

const table = (header: string[], rows: (string | number)[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const offset = (t: Timeline, at: number | undefined) =>
  at === undefined ? 'never' : `+${((at - t.loadStart) / 1000).toFixed(1)} s`;

function faultsLines(t: Timeline, crashes: Crash[]): string[] {
  const outage = t.dbDown && t.dbUp ? `${((t.dbUp - t.dbDown) / 1000).toFixed(1)} s` : '?';
  return [
    `- database down at ${offset(t, t.dbDown)} for ${outage} (pg_ctl stop -m fast, then start)`,
    `- worker SIGKILLed at ${offset(t, t.workerKilled)}, its replacement polling at ${offset(t, t.workerPolling)}`,
    ...crashes.map(
      (c) =>
        `- **the API process crashed** at ${offset(t, c.at)} (${c.exit.signal ?? `exit code ${c.exit.code}`}), restarted and ready at ${offset(t, c.replacedAt)}; its last words:\n\n${c.lastWords
          .split('\n')
          .map((line) => `      ${line}`)
          .join('\n')}\n`,
    ),
  ];
}

/** Which fault an error falls in, if any. */
function windowOf(t: Timeline, at: number): 'DB outage' | 'worker kill' | 'other' {
  if (t.dbDown && at >= t.dbDown && at <= (t.dbUp ?? Infinity) + DB_AFTERMATH_MS) return 'DB outage';
  if (t.workerKilled && at >= t.workerKilled && at <= (t.workerPolling ?? Infinity) + WORKER_AFTERMATH_MS)
    return 'worker kill';
  return 'other';
}

function requestsTable(traffic: Traffic): string {
  const totals = { intended: 0, sent: 0, ok: 0, ra: 0, noRa: 0, other5xx: 0, network: 0, gaveUp: 0 };
  const fourxx = new Map<string, number>();
  const rows = KINDS.map((kind) => {
    const f = traffic.figures.get(kind)!;
    const n = (label: string) => f.answers.get(label) ?? 0;
    const client = [...f.answers].filter(([label]) => /^4\d\d$/.test(label)).sort();
    for (const [label, count] of client) fourxx.set(label, (fourxx.get(label) ?? 0) + count);
    // answerClass labels a 503 by its Retry-After, every other status by its number.
    const other5xx = [...f.answers].filter(([label]) => /^5\d\d$/.test(label));
    const row = {
      ok: n('2xx'),
      ra: n('503 with Retry-After'),
      noRa: n('503 without Retry-After'),
      other5xx: other5xx.reduce((s, [, c]) => s + c, 0),
      network: n('network error'),
    };
    totals.intended += f.intended;
    totals.sent += f.sent;
    totals.ok += row.ok;
    totals.ra += row.ra;
    totals.noRa += row.noRa;
    totals.other5xx += row.other5xx;
    totals.network += row.network;
    totals.gaveUp += f.gaveUp;
    const labels5xx = other5xx.map(([label, count]) => `${label}×${count}`);
    return [
      kind,
      f.intended,
      f.sent,
      row.ok,
      client.map(([label, count]) => `${label}×${count}`).join(' ') || '–',
      row.ra,
      row.noRa,
      labels5xx.join(' ') || 0,
      row.network,
      f.gaveUp,
    ];
  });
  const all4xx = [...fourxx].sort().map(([label, count]) => `${label}×${count}`);
  rows.push([
    '**total**',
    totals.intended,
    totals.sent,
    totals.ok,
    all4xx.join(' ') || '–',
    totals.ra,
    totals.noRa,
    totals.other5xx,
    totals.network,
    totals.gaveUp,
  ]);
  return table(
    [
      'kind',
      'intended',
      'sent (with retries)',
      '2xx',
      '4xx by status',
      '503 + Retry-After',
      '503 without',
      'other 5xx',
      'network errors',
      'gave up',
    ],
    rows,
  );
}

/** 5xx answers grouped by fault window, status, route shape and body. */
function serverErrorsTable(t: Timeline, errors: ServerError[]): string {
  if (errors.length === 0) return 'no 5xx answers and no network errors';
  const groups = new Map<string, { count: number; first: number; sample: ServerError }>();
  for (const e of errors) {
    const route = e.route.replace(/\/v1\/journeys\/[^/]+\//, '/v1/journeys/:id/');
    const body = e.body.replace(/"(instance|requestId|detail)":"[^"]*"/g, '"$1":…');
    const key = [windowOf(t, e.at), e.status, e.retryAfter ? 'yes' : 'no', route, body].join('\u0000');
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { count: 1, first: e.at, sample: { ...e, route, body } });
  }
  const rows = [...groups.values()]
    .sort((a, b) => a.first - b.first)
    .map(({ count, first, sample }) => [
      windowOf(t, sample.at),
      offset(t, first),
      sample.status,
      sample.retryAfter ?? '–',
      sample.route,
      count,
      `\`${sample.body.slice(0, 160).replace(/\|/g, '\\|')}\``,
    ]);
  return table(['during', 'first at', 'status', 'Retry-After', 'route', 'count', 'body'], rows);
}

/** The causes the API logged for its failed requests (level error), most frequent first. */
async function loggedCauses(logDir: string): Promise<string[]> {
  const causes = new Map<string, number>();
  for (const file of readdirSync(logDir).filter((f) => /^api-\d+\.log$/.test(f)))
    await collectCauses(join(logDir, file), causes);
  return [...causes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([cause, n]) => `${n}× ${cause}`);
}

async function collectCauses(apiLog: string, causes: Map<string, number>): Promise<void> {
  const lines = createInterface({ input: createReadStream(apiLog) });
  for await (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
      if ((entry.level ?? 0) < 50) continue;
      const cause = `${entry.msg ?? ''}: ${entry.err?.type ?? ''} ${entry.err?.message ?? ''}`.slice(0, 200);
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    } catch {
      // not a log line of ours
    }
  }
}

export async function printReport(r: Report): Promise<void> {
  const { traffic, timeline: t, verification: v } = r;
  const f = v.figures;
  const outage = traffic.serverErrors.filter((e) => windowOf(t, e.at) === 'DB outage');
  const out = (line = '') => console.log(line);
  out();
  out(`## Soak: ${r.seconds} s of load, ${r.clients} clients`);
  out();
  out('faults:');
  for (const line of faultsLines(t, r.apiCrashes)) out(line);
  out();
  out('### Requests and answers');
  out();
  out(requestsTable(traffic));
  out();
  out(
    `### 5xx answers and network errors (${traffic.serverErrors.length}; during the DB outage: ${outage.length}, of which 503 with Retry-After: ${outage.filter((e) => e.status === 503 && e.retryAfter).length})`,
  );
  out();
  out(serverErrorsTable(t, traffic.serverErrors));
  const causes = await loggedCauses(r.logDir);
  if (causes.length) {
    out();
    out('errors the API logged (level error and above):');
    for (const cause of causes) out(`  ${cause}`);
  }
  out();
  out('### Records');
  out();
  out(
    table(
      ['figure', 'value'],
      [
        ['journeys started (accepted by the API)', f.journeysAccepted],
        ['journey rows / workflows found', `${f.journeyRows} / ${f.workflows}`],
        ['journey duplicates found', f.journeyDuplicates],
        ['payments accepted / recorded', `${f.paymentsAccepted} / ${f.paymentsRecorded}`],
        ['payment duplicates found', f.paymentDuplicates],
        ['messages (attempts that reached a buyer) checked', f.messagesChecked],
        ['messages sent twice', f.messageDuplicates],
        [
          'worker caught up after the load',
          v.settledAfterSeconds === null ? 'no' : `${v.settledAfterSeconds.toFixed(1)} s`,
        ],
        ['behind when the load stopped', v.unsettledAtLoadEnd.join('; ') || 'nothing'],
      ],
    ),
  );
  out();
  out('### Checks');
  out();
  out(
    table(
      ['check', 'result', 'detail'],
      r.checks.map((c) => [c.name, c.pass ? 'PASS' : '**FAIL**', c.detail.replace(/\|/g, '\\|')]),
    ),
  );
  out();
  const passed = r.checks.every((c) => c.pass);
  out(`${passed ? 'PASS' : 'FAIL'}: ${r.checks.filter((c) => c.pass).length}/${r.checks.length} checks hold`);
  out(`wall time ${r.wallSeconds.toFixed(0)} s; logs (api, workers, Temporal) in ${r.logDir}`);
}
