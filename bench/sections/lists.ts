/**
 * Lists and searches at 1M journeys: the first page of GET /v1/journeys for every filter the API
 * offers, alone and in the combinations support agents and payment systems use, later pages by
 * cursor, and the selections behind pause / resume by filter and the support actions — each
 * against the unfiltered first page in this run. Each is also explained: the plan must read
 * indexes in (due date, id) order, with no sequential scan and no sort.
 */
import { sql } from 'drizzle-orm';
import { toRepositoryFilter } from '../../api/routes/journeys/collection';
import { findOpenJourneys } from '../../application/fan-out';
import { type Database, openDatabase } from '../../db/client';
import { type JourneyCursor, type JourneyFilter, journeySearch, searchJourneys } from '../../db/journey-repository';
import { type Figure, type Section, fmt, median } from '../figures';

const TENANT = 'bench-lists';
/** The API's default page, and the one row more it asks for to know whether a next page exists. */
const PAGE = 51;
const WARM_UP_CALLS = 5;
const CALLS_PER_RUN = 30;
const BUDGET_MS = 2000;
const MAX_RATIO = 3;
const MAX_P50_MS = 30;

/**
 * 1M journeys and their installments, as four installments per purchase: 85% in one tenant, the
 * rest in three small ones; ~3,000 products per tenant, a few popular and a long tail; ~200,000
 * buyers per tenant; one purchase in five a subscription; due dates over two years up to four
 * months ahead. Stages and outcomes follow the due date: ahead, mostly pre_due; recently due,
 * overdue, paused or just paid; older, closed with every outcome, a few still open. Drawn from a
 * hash of the purchase and installment numbers, not random(), so every run generates the same rows.
 */
async function generate(db: Database, today: string): Promise<void> {
  await db.execute(sql`
    insert into tenants (id, name)
    select t, t from unnest(array[${TENANT}, ${`${TENANT}-2`}, ${`${TENANT}-3`}, ${`${TENANT}-4`}]) t
    on conflict do nothing`);
  await db.transaction(async (tx) => {
    // The tenants are there: no foreign-key check per row (a tenth of the time).
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(generateRows(today));
  });
  await db.execute(sql`vacuum (analyze) installments, journeys`);
}

/** A uniform number in [0, 1) drawn from an integer (and a salt, to draw several from one). */
const uniform = (n: ReturnType<typeof sql>, salt: number) =>
  sql`((hashint8(${n}::bigint * 16 + ${salt}) + 2147483648) / 4294967296.0)`;

/** 250,000 purchases, their installments and their journeys, in one statement. */
function generateRows(today: string) {
  const p = sql.raw('p');
  return sql`
    with purchase as (
      select p,
        case when p % 20 < 17 then ${TENANT} else ${TENANT} || '-' || (p % 20 - 15) end as tenant_id,
        'prod-' || floor(3000 * ${uniform(p, 1)} ^ 2)::int as product_id,
        'buyer-' || floor(200000 * ${uniform(p, 2)})::int as buyer_id,
        ${uniform(p, 3)} < 0.2 as subscription,
        ${today}::date - 700 + floor(${uniform(p, 4)} * 730)::int as first_due
      from generate_series(0, 249999) p
    ),
    installment as (
      select tenant_id, 'inst-' || lpad(p::text, 6, '0') || '-' || k as installment_id,
        case when not subscription then 'pur-' || p end as purchase_id,
        case when subscription then 'sub-' || p end as subscription_id,
        product_id, buyer_id, k, first_due + 30 * (k - 1) as due_date, ${uniform(sql.raw('p * 4 + k'), 5)} as u,
        '+1415555' || lpad((p % 10000)::text, 4, '0') as phone
      from purchase cross join generate_series(1, 4) k
    ),
    inserted as (
      insert into installments (tenant_id, installment_id, purchase_id, subscription_id, product_id, product_name,
        buyer_id, buyer, amount_minor, currency, installment_number, installment_count, due_date, payment_url)
      select tenant_id, installment_id, purchase_id, subscription_id, product_id, 'Product ' || product_id, buyer_id,
        jsonb_build_object('id', buyer_id, 'name', 'Buyer ' || buyer_id, 'email', buyer_id || '@bench.example',
          'phone', phone, 'locale', 'en', 'timezone', 'America/New_York', 'country', 'US'),
        4990, 'USD', k, 4, due_date, 'https://pay.example.com/i/' || installment_id
      from installment
    ),
    state as (
      select *,
        case
          when due_date > ${today}::date then
            case when u < 0.96 then 'pre_due' when u < 0.98 then 'paused' else 'paid_before_due' end
          when due_date >= ${today}::date - 45 then
            case when u < 0.50 then 'overdue' when u < 0.55 then 'paused' when u < 0.65 then 'paid_before_due'
              when u < 0.95 then 'recovered' else 'canceled' end
          else
            case when u < 0.002 then 'overdue' when u < 0.005 then 'paused' when u < 0.45 then 'paid_before_due'
              when u < 0.75 then 'recovered' when u < 0.80 then 'partially_recovered' when u < 0.88 then 'canceled'
              when u < 0.955 then 'written_off' else 'handed_over' end
        end as state
      from installment
    ),
    journey as (
      select tenant_id, installment_id, buyer_id, product_id, purchase_id, subscription_id, due_date,
        case when state in ('pre_due', 'overdue', 'paused') then state else 'closed' end as stage,
        case when state not in ('pre_due', 'overdue', 'paused') then state end as outcome,
        case when state in ('paid_before_due', 'recovered') then 4990 when state = 'partially_recovered' then 2000
          else 0 end as paid,
        case when state in ('pre_due', 'overdue', 'paused') then due_date + 3 + time '15:00' end as next_action_at,
        case when state not in ('pre_due', 'overdue', 'paused') then due_date + 2 + time '15:00' end as closed_at
      from state
    )
    insert into journeys (id, tenant_id, installment_id, buyer_id, product_id, purchase_id, subscription_id, run_id,
      policy_id, policy_version, stage, outcome, due_date, original_due_date, currency, amount_due_minor,
      amount_paid_minor, overpaid_minor, next_action_at, status, last_seq, closed_at)
    select 'dunning/' || tenant_id || '/' || installment_id, tenant_id, installment_id, buyer_id, product_id,
      purchase_id, subscription_id, 'run-' || installment_id,
      'default', 1, stage, outcome, due_date, due_date, 'USD', 4990, paid, 0, next_action_at,
      jsonb_build_object(
        'tenantId', tenant_id, 'installmentId', installment_id, 'stage', stage, 'outcome', outcome,
        'dueDate', due_date, 'originalDueDate', due_date, 'daysOverdue', greatest(0, ${today}::date - due_date),
        'currency', 'USD', 'amountDueMinor', 4990, 'amountPaidMinor', paid, 'outstandingMinor', 4990 - paid,
        'overpaidMinor', 0,
        'nextAction', case when outcome is null then jsonb_build_object('kind', 'send', 'at', next_action_at,
          'stepIndex', 2, 'channel', 'email', 'template', 'overdue_3') end,
        'upcoming', case when outcome is null then jsonb_build_array(
            jsonb_build_object('stepIndex', 2, 'channel', 'email', 'template', 'overdue_3', 'at', next_action_at,
              'status', 'scheduled'),
            jsonb_build_object('stepIndex', 3, 'channel', 'sms', 'template', 'overdue_7',
              'at', next_action_at + interval '4 days', 'status', 'scheduled'),
            jsonb_build_object('stepIndex', 4, 'channel', 'email', 'template', 'final_notice',
              'at', next_action_at + interval '11 days', 'status', 'scheduled'))
          else '[]'::jsonb end,
        'attempts', jsonb_build_object('sent', 2, 'failed', 0, 'skipped', 0),
        'paused', case when stage = 'paused' then jsonb_build_object('since', due_date, 'until', null) end,
        'reschedules', 0, 'planRevision', 0, 'policy', jsonb_build_object('id', 'default', 'version', 1),
        'finalAction', null, 'closedAt', closed_at, 'cancelReason', case when outcome = 'canceled' then 'refund' end,
        'asOf', now()),
      5, closed_at
    from journey`;
}

/** Values the cases filter by, read from the generated rows (so each finds journeys). */
async function samples(db: Database, today: string) {
  const one = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T> => {
    const [row] = (await db.execute(query)) as unknown as T[];
    if (!row) throw new Error('the generated data has no row for a bench case');
    return row;
  };
  const overdue = (where: ReturnType<typeof sql>) =>
    one<{ buyer_id: string; purchase_id: string | null; subscription_id: string | null }>(sql`
      select buyer_id, purchase_id, subscription_id from journeys
      where tenant_id = ${TENANT} and stage = 'overdue' and ${where} limit 1`);
  const cursorFrom = async (from: string, where = sql`true`): Promise<JourneyCursor> => {
    const row = await one<{ due_date: string; id: string }>(sql`
      select due_date::text as due_date, id from journeys
      where tenant_id = ${TENANT} and due_date >= ${from}::date and ${where}
      order by due_date, id limit 1`);
    return { dueDate: row.due_date, id: row.id };
  };
  const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  // Products are numbered by popularity: prod-0 has about 2% of the journeys, prod-750 the median ~200.
  const popular = 'prod-0';
  const typical = 'prod-750';
  return {
    popular,
    typical,
    buyer: (await overdue(sql`true`)).buyer_id,
    purchase: (await overdue(sql`purchase_id is not null`)).purchase_id!,
    subscription: (await overdue(sql`subscription_id is not null`)).subscription_id!,
    yearAgo: await cursorFrom(daysAgo(365)),
    overdueLater: await cursorFrom(daysAgo(20), sql`stage = 'overdue'`),
    popularLater: await cursorFrom(daysAgo(200), sql`product_id = ${popular}`),
    window: { dueFrom: daysAgo(400), dueTo: daysAgo(370) },
  };
}

interface Case {
  label: string;
  /** Runs the search as the API does. */
  call(db: Database): Promise<unknown>;
  /** The one query the call runs (for EXPLAIN). */
  query: { filter: JourneyFilter; after?: JourneyCursor };
}

type ApiFilter = Parameters<typeof toRepositoryFilter>[0];

function cases(s: Awaited<ReturnType<typeof samples>>, today: string): Case[] {
  const list = (label: string, input: ApiFilter, after?: JourneyCursor): Case => {
    const filter = toRepositoryFilter(input, today);
    const page = { limit: PAGE, ...(after && { after }) };
    return {
      label: `list ${label}`,
      call: (db) => searchJourneys(db, TENANT, filter, page),
      query: { filter, ...(after && { after }) },
    };
  };
  // Pause / resume by filter select at most `limit` open journeys of the eligible stages (here a
  // page's worth); the support actions select every open journey of a purchase, subscription or buyer.
  const byFilter = (label: string, filter: JourneyFilter, limit?: number): Case => ({
    label,
    call: (db) => findOpenJourneys(db, TENANT, filter, limit === undefined ? {} : { limit }),
    query: { filter: { ...filter, openOnly: true } },
  });
  const open = ['pre_due', 'overdue'] as const;
  return [
    // The baseline of every other case.
    list('(unfiltered)', {}),
    list('later page (a year back)', {}, s.yearAgo),
    list('stage=overdue', { stage: ['overdue'] }),
    list('stage=paused', { stage: ['paused'] }),
    list('stage=pre_due', { stage: ['pre_due'] }),
    list('stage=closed', { stage: ['closed'] }),
    list('stage=overdue,paused', { stage: ['overdue', 'paused'] }),
    list('stage=overdue later page', { stage: ['overdue'] }, s.overdueLater),
    list('outcome=handed_over', { outcome: ['handed_over'] }),
    list('outcome=recovered,partially_recovered', { outcome: ['recovered', 'partially_recovered'] }),
    list('stage=closed&outcome=written_off', { stage: ['closed'], outcome: ['written_off'] }),
    list('dueFrom&dueTo (a month)', s.window),
    list('daysOverdueMin=1&daysOverdueMax=30', { daysOverdueMin: 1, daysOverdueMax: 30 }),
    list('daysOverdueMax=-1 (not yet due)', { daysOverdueMax: -1 }),
    list('stage=overdue,paused&daysOverdueMin=30', { stage: ['overdue', 'paused'], daysOverdueMin: 30 }),
    list('buyerId', { buyerId: s.buyer }),
    list('buyerId&stage=overdue,paused', { buyerId: s.buyer, stage: ['overdue', 'paused'] }),
    list('productId (popular)', { productId: s.popular }),
    list('productId (typical)', { productId: s.typical }),
    list('productId (popular) later page', { productId: s.popular }, s.popularLater),
    list('productId&stage=overdue&daysOverdueMin=1', { productId: s.popular, stage: ['overdue'], daysOverdueMin: 1 }),
    list('productId&outcome=canceled', { productId: s.popular, outcome: ['canceled'] }),
    list('productId&dueFrom&dueTo', { productId: s.popular, ...s.window }),
    list('productId&buyerId', { productId: s.popular, buyerId: s.buyer }),
    byFilter('pause by filter (no filter)', { stages: open }, PAGE - 1),
    byFilter(
      'pause by filter productId&daysOverdueMin=1',
      { ...toRepositoryFilter({ productId: s.popular, daysOverdueMin: 1 }, today), stages: open },
      PAGE - 1,
    ),
    byFilter('resume by filter productId', { productId: s.popular, stages: ['paused'] }, PAGE - 1),
    byFilter('refund (purchaseId)', { purchaseId: s.purchase }),
    byFilter('subscription cancel (subscriptionId)', { subscriptionId: s.subscription }),
    byFilter('buyer support action (buyerId)', { buyerId: s.buyer }),
  ];
}

/**
 * The median latency of repeated calls, warm: at most CALLS_PER_RUN calls or BUDGET_MS, whichever
 * comes first (so a slow plan is measured, not waited out), and at least three.
 */
async function p50Ms(db: Database, search: Case): Promise<number> {
  const warmUpUntil = performance.now() + BUDGET_MS / 4;
  for (let i = 0; i < WARM_UP_CALLS && performance.now() < warmUpUntil; i++) await search.call(db);
  const times: number[] = [];
  const until = performance.now() + BUDGET_MS;
  while (times.length < 3 || (times.length < CALLS_PER_RUN && performance.now() < until)) {
    const start = performance.now();
    await search.call(db);
    times.push(performance.now() - start);
  }
  return median(times);
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The plan's nodes, outermost first: "Limit", "Index Scan journeys_tenant_due_idx", … */
async function planNodes(db: Database, search: Case): Promise<string[]> {
  const { filter, after } = search.query;
  const query = journeySearch(db, TENANT, filter, { limit: PAGE, ...(after && { after }) });
  const [row] = (await db.execute(sql`explain (format json) ${query}`)) as unknown as {
    'QUERY PLAN': [{ Plan: PlanNode }];
  }[];
  const nodes: string[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node['Index Name'] ? `${node['Node Type']} ${node['Index Name']}` : node['Node Type']);
    node.Plans?.forEach(walk);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return nodes;
}

/** Every scan reads an index in order: no sequential or bitmap scan, and nothing to sort. */
const indexScansOnly = (nodes: readonly string[]) =>
  nodes.every((n) => !/^(Seq Scan|Bitmap|Sort|Incremental Sort)/.test(n));

const kinds = (nodes: readonly string[]) => [...new Set(nodes)].join(' · ');

export const lists: Section = {
  name: 'lists',
  title: 'Journey lists and searches at 1M journeys: every filter vs the unfiltered first page',
  async run({ postgresUrl, runs }) {
    const database = openDatabase({ url: postgresUrl });
    await database.migrate();
    const db = database.db;
    try {
      const today = new Date().toISOString().slice(0, 10);
      process.stdout.write('  generating 1M journeys… ');
      const started = Date.now();
      await generate(db, today);
      console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);

      const all = cases(await samples(db, today), today);
      // Runs go round every case in turn, after one call of each, so that none is measured colder
      // or at a quieter moment than the unfiltered page it is compared with.
      for (const search of all) await search.call(db);
      const samplesOf = new Map<Case, number[]>(all.map((search) => [search, []]));
      for (let r = 0; r < runs; r++) for (const search of all) samplesOf.get(search)!.push(await p50Ms(db, search));
      const p50Of = (search: Case) => median(samplesOf.get(search)!);
      const baseline = p50Of(all[0]!);

      const figures: Figure[] = [];
      for (const search of all) {
        const p50 = p50Of(search);
        const nodes = await planNodes(db, search);
        const ratio = p50 / baseline;
        const pass = ratio <= MAX_RATIO && p50 <= MAX_P50_MS && indexScansOnly(nodes);
        console.log(`  ${pass ? ' ' : '✗'} ${search.label}: ${fmt.ms(p50)} (${fmt.ratio(ratio)} ×) — ${kinds(nodes)}`);
        figures.push({
          goal: search.label,
          measured: fmt.ms(p50),
          baseline: `${fmt.ms(baseline)} unfiltered page`,
          ratio,
          target: `≤ ${MAX_RATIO} × and p50 ≤ ${MAX_P50_MS} ms, index scans only`,
          pass,
        });
      }
      return figures;
    } finally {
      await database.close();
    }
  },
};
