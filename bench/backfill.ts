// `npm run bench -- backfill`: a store with 10,000 products connects its Odoo and the backfill copies the
// catalogue — services as real processes (test/e2e-observe/service-stack.ts), the Salla simulator on a plan
// (its per-store rate limit), the fake Odoo at 5 ms per call. Measures the wall time against the Salla
// rate-limit floor and the Odoo calls per record. Goals (issue 9): within 1.2× the floor; ≤ 1 Odoo call per
// 100 records. Writes its BENCHMARKS.md section and bench/results/backfill.json.
// Knobs: BENCH_BACKFILL_PRODUCTS (10000), BENCH_BACKFILL_CATEGORIES (20), BENCH_BACKFILL_PLAN (plus),
// BENCH_BACKFILL_TIMEOUT_SECONDS (900); ODOO_BATCH_SIZE / ODOO_BATCH_WAIT_MS are passed to the odoo-connector
// when set (its own defaults otherwise).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FakeDatabase, FakeOdooCall } from '@app/fake-odoo';
import { PLAN_REQUESTS_PER_MINUTE, type SallaPlan, type SimulatorCall } from '@app/salla-simulator';

import { ServiceStack } from '../test/e2e-observe/service-stack';

import { machine, ROOT, writeSection } from './report';
import {
  cleanUpRun,
  CpuMeter,
  type CpuShare,
  intEnv,
  loadAverage,
  loopbackInfra,
  othersOf,
  sleep,
  syncReadyTimes,
} from './stack-bench';

const RESULTS = join(ROOT, 'bench', 'results', 'backfill.json');
const ODOO_LATENCY_MS = 5;
/** The salla-connector's share of a store's budget for bulk work (StoreRateLimiter's default bulkShare). */
const BULK_SHARE = 0.8;
const WINDOW_S = 60;
const GOAL = { wallOverFloor: 1.2, odooCallsPerRecord: 0.01 };
const TEMPLATE = 'product.template';

/** One sample of the run's progress: seconds after sync-ready, products in Odoo, Salla requests so far. */
interface Progress {
  s: number;
  inOdoo: number;
  sallaRequests: number;
}

interface Result {
  /** Every product reached Odoo before BENCH_BACKFILL_TIMEOUT_SECONDS (otherwise the figures are up to then). */
  complete: boolean;
  products: number;
  categories: number;
  plan: SallaPlan;
  requestsPerMinute: number;
  odooEnv: Record<string, string>;
  /** store.sync-ready (Kafka CreateTime) → last product.template created, seconds. */
  wallSeconds: number;
  /** sync-ready → the backfill's first Salla request, seconds (the worker polls for runs every second). */
  startDelaySeconds: number;
  sallaRequests: number;
  /** sync-ready → the last Salla request of the interval: when reading Salla was over. */
  lastSallaRequestSeconds: number;
  sallaRequestsByRoute: Record<string, number>;
  rateLimited: number;
  floors: {
    /** requests ÷ the plan's requests per minute. */
    fullLimitSeconds: number;
    /** requests ÷ (80 % of it): the connector's bulk budget. */
    bulkShareSeconds: number;
    /** The sliding-window budget allows a whole window's share at once, then one share per window. */
    burstAwareSeconds: number;
  };
  wallOverFloor: { fullLimit: number; bulkShare: number };
  /** Calls the backfill made (the stock poll's excluded). */
  odooCalls: number;
  odooCallsPerRecord: number;
  /** The odoo-connector's stock/delivery poll (`stock.*` reads, every ODOO_STOCK_POLL_INTERVAL_MS): time-driven. */
  stockPollCalls: number;
  odooCallsByMethod: Record<string, number>;
  odooMaxInFlight: number;
  templatesCreated: number;
  /** Product-template create calls and the records they carried: the batch sizes Odoo saw. */
  createBatches: { calls: number; meanRecords: number };
  cpu: CpuShare[];
  /** Every ~10 s from sync-ready: how the products reached Odoo against how Salla was read. */
  progress: Progress[];
  /** Products in Odoo when the last Salla request was answered, and the pace after it (records/s). */
  afterSalla: { inOdoo: number; recordsPerSecond: number };
  load: string;
}

/** The previous run's figures when it used other batching settings (kept for the comparison table). */
interface OtherRun {
  date: string;
  command: string;
  result: Result;
}

export async function runBackfillBench(): Promise<void> {
  if (process.env.BENCH_RENDER_ONLY) return renderRecorded();
  const { brokers, mongoUri } = loopbackInfra();
  const products = intEnv('BENCH_BACKFILL_PRODUCTS', 10_000, 1, 100_000);
  const categories = intEnv('BENCH_BACKFILL_CATEGORIES', 20, 0, 1000);
  const timeoutSeconds = intEnv('BENCH_BACKFILL_TIMEOUT_SECONDS', 900, 10, 7200);
  const plan = (process.env.BENCH_BACKFILL_PLAN ?? 'plus') as SallaPlan;
  if (!(plan in PLAN_REQUESTS_PER_MINUTE))
    throw new Error(`BENCH_BACKFILL_PLAN: one of ${Object.keys(PLAN_REQUESTS_PER_MINUTE).join(', ')}`);
  const odooEnv: Record<string, string> = {};
  for (const name of ['ODOO_BATCH_SIZE', 'ODOO_BATCH_WAIT_MS'])
    if (process.env[name]) odooEnv[name] = process.env[name];
  const started = new Date();
  console.log(
    `backfill: ${products} products, ${categories} categories, plan ${plan}, odoo-connector ${JSON.stringify(odooEnv)} (load ${loadAverage()})`,
  );

  const stack = await ServiceStack.start({ plan, envOf: { 'odoo-connector': odooEnv } });
  try {
    stack.odoo.latency(ODOO_LATENCY_MS);
    const db = stack.odoo.database();
    const templates = new RowCounter(db, TEMPLATE);
    templates.poll(); // the fake's own seeded templates are not ours
    const seeded = templates.count;
    const cpu = new CpuMeter(stack);
    cpu.start();
    const storeId = await stack.installConnectedStore((id) => {
      stack.sim.seedCategories(id, categories);
      stack.sim.seedProducts(id, products);
    });
    const ready = await syncReadyTimes(brokers, `${stack.run}-bench-ready`, new Set([storeId]));
    const readyAt = ready.get(storeId)!;
    console.log(`  store ${storeId} connected; waiting for ${products} products in Odoo`);

    const deadline = Date.now() + timeoutSeconds * 1000;
    const progress: Progress[] = [];
    let lastLog = Date.now();
    let complete = false;
    for (;;) {
      templates.poll();
      if (templates.count - seeded >= products) {
        complete = true;
        break;
      }
      // Out of time: report what got done (the pace says as much as the end would), marked incomplete.
      if (Date.now() > deadline) {
        console.log(
          `  backfill incomplete after ${timeoutSeconds} s: ${templates.count - seeded}/${products}`,
        );
        break;
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        const p = {
          s: Math.round((Date.now() - readyAt) / 1000),
          inOdoo: templates.count - seeded,
          sallaRequests: stack.sim.callsFor(storeId).length,
        };
        progress.push(p);
        console.log(`  ${p.s} s: ${p.inOdoo}/${products} in Odoo, ${p.sallaRequests} Salla requests`);
      }
      await sleep(250);
    }
    const cpuShares = cpu.stop();
    if (process.env.BENCH_VERBOSE || !complete) console.log(stack.diagnostics());
    const calls = stack.odoo.calls.filter((c) => c.at.getTime() >= readyAt);
    const creates = calls.filter((c) => c.model === TEMPLATE && c.method === 'create');
    // The last template create is when the last product reached Odoo (the 250 ms poll only noticed it).
    const doneAt = complete ? Math.max(...creates.map((c) => c.at.getTime())) : Date.now();
    const salla = stack.sim
      .callsFor(storeId)
      .filter((c) => c.kind === 'api' && c.at >= readyAt && c.at <= doneAt);
    const result = summarize({
      products,
      categories,
      plan,
      odooEnv,
      readyAt,
      doneAt,
      salla,
      calls: calls.filter((c) => c.at.getTime() <= doneAt),
      templatesCreated: templates.count - seeded,
      maxInFlight: stack.odoo.maxInFlight(),
      cpu: cpuShares,
      complete,
      progress,
    });
    console.log(JSON.stringify(result, null, 2));
    const command = commandLine();
    const kafkaLine = `${brokers} (loopback, the shared dev broker)`;
    const other = previousRunWithOtherBatching(result.odooEnv);
    const json = {
      bench: 'backfill',
      date: started.toISOString(),
      machine: machine(kafkaLine).map((l) => l.replace(/^- /, '')),
      command,
      odooLatencyMs: ODOO_LATENCY_MS,
      goal: GOAL,
      result,
      ...(other ? { otherBatching: other } : {}),
    };
    writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
    await writeSection('backfill', markdown({ started, command, kafkaLine, r: result, other }));
    console.log('wrote bench/results/backfill.json and the backfill section of BENCHMARKS.md');
  } finally {
    await stack.stop();
    await cleanUpRun(stack, brokers, mongoUri).catch((err: unknown) =>
      console.error(`cleanup: ${String(err)}`),
    );
  }
}

/**
 * Rows of a model in the fake Odoo, counted by probing ids past the last one seen (`get` reads in place;
 * `records()` would copy 10,000 templates on every poll). A failed create leaves a gap in the ids, so the
 * probe looks a stretch further before it stops.
 */
class RowCounter {
  count = 0;
  private nextId = 1;

  constructor(
    private readonly db: FakeDatabase,
    private readonly model: string,
  ) {}

  poll(): void {
    for (let id = this.nextId, misses = 0; misses < 2000; id++) {
      if (!this.db.get(this.model, id)) {
        misses++;
        continue;
      }
      misses = 0;
      this.count++;
      this.nextId = id + 1;
    }
  }
}

/** Records that reached Odoo: all of them, or as many as did before the time limit. */
const done = (r: Result): number => (r.complete ? r.products : Math.max(1, r.templatesCreated));

/**
 * BENCH_RENDER_ONLY=1: rewrites the BENCHMARKS.md section from bench/results/backfill.json with the current text
 * generation, no run (a full-scale backfill takes many minutes here; the figures are the recorded run's).
 */
async function renderRecorded(): Promise<void> {
  const recorded = JSON.parse(readFileSync(RESULTS, 'utf8')) as {
    date: string;
    command: string;
    machine: string[];
    result: Result;
    otherBatching?: OtherRun;
  };
  const kafkaLine = recorded.machine.find((l) => l.startsWith('Kafka: '))?.replace(/^Kafka: /, '') ?? '?';
  await writeSection(
    'backfill',
    markdown({
      started: new Date(recorded.date),
      command: recorded.command,
      kafkaLine,
      r: recorded.result,
      other: recorded.otherBatching,
    }),
  );
  console.log(`rewrote the backfill section from the run of ${recorded.date}`);
}

/**
 * The run recorded in bench/results/backfill.json, if its batching settings differ from this run's: the two
 * settings are the comparison worth keeping (ODOO_BATCH_SIZE / ODOO_BATCH_WAIT_MS against the defaults).
 */
function previousRunWithOtherBatching(odooEnv: Record<string, string>): OtherRun | undefined {
  if (!existsSync(RESULTS)) return undefined;
  try {
    const old = JSON.parse(readFileSync(RESULTS, 'utf8')) as Partial<OtherRun> & { result?: Result };
    if (!old.result?.progress || !old.date || !old.command) return undefined; // written before progress was kept
    if (JSON.stringify(old.result.odooEnv) === JSON.stringify(odooEnv)) return undefined;
    return { date: old.date, command: old.command, result: old.result };
  } catch {
    return undefined;
  }
}

function summarize(x: {
  products: number;
  categories: number;
  plan: SallaPlan;
  odooEnv: Record<string, string>;
  readyAt: number;
  doneAt: number;
  salla: SimulatorCall[];
  calls: FakeOdooCall[];
  templatesCreated: number;
  maxInFlight: number;
  cpu: CpuShare[];
  complete: boolean;
  progress: Progress[];
}): Result {
  const rpm = PLAN_REQUESTS_PER_MINUTE[x.plan];
  const n = x.salla.length;
  const wall = (x.doneAt - x.readyAt) / 1000;
  const bulkPerWindow = Math.floor(rpm * BULK_SHARE);
  const floors = {
    fullLimitSeconds: round((60 * n) / rpm, 1),
    bulkShareSeconds: round((60 * n) / (rpm * BULK_SHARE), 1),
    burstAwareSeconds: Math.max(0, Math.ceil(n / bulkPerWindow) - 1) * WINDOW_S,
  };
  const byRoute: Record<string, number> = {};
  for (const c of x.salla)
    byRoute[`${c.method} ${c.route ?? c.path}`] = (byRoute[`${c.method} ${c.route ?? c.path}`] ?? 0) + 1;
  const polls = x.calls.filter(isStockPoll);
  const backfill = x.calls.filter((c) => !isStockPoll(c));
  const byMethod: Record<string, number> = {};
  for (const c of backfill)
    byMethod[`${c.model}.${c.method}`] = (byMethod[`${c.model}.${c.method}`] ?? 0) + 1;
  const templateCreates = x.calls.filter(
    (c) => c.model === TEMPLATE && c.method === 'create' && c.outcome === 'ok',
  ).length;
  const lastSallaAt = x.salla[n - 1]?.at ?? x.readyAt;
  const lastSallaS = (lastSallaAt - x.readyAt) / 1000;
  // Products in Odoo when reading Salla ended: the first progress sample at or after it.
  const atSallaEnd = x.progress.find((p) => p.s >= lastSallaS)?.inOdoo ?? x.templatesCreated;
  const afterSeconds = wall - lastSallaS;
  return {
    complete: x.complete,
    products: x.products,
    categories: x.categories,
    plan: x.plan,
    requestsPerMinute: rpm,
    odooEnv: x.odooEnv,
    wallSeconds: round(wall, 1),
    startDelaySeconds: round(((x.salla[0]?.at ?? x.readyAt) - x.readyAt) / 1000, 1),
    sallaRequests: n,
    lastSallaRequestSeconds: round(((x.salla[n - 1]?.at ?? x.readyAt) - x.readyAt) / 1000, 1),
    sallaRequestsByRoute: byRoute,
    rateLimited: x.salla.filter((c) => c.status === 429).length,
    floors,
    wallOverFloor: {
      fullLimit: round(wall / floors.fullLimitSeconds, 2),
      bulkShare: round(wall / floors.bulkShareSeconds, 2),
    },
    odooCalls: backfill.length,
    // An incomplete run: per record that reached Odoo.
    odooCallsPerRecord: round(backfill.length / Math.max(1, x.complete ? x.products : x.templatesCreated), 4),
    stockPollCalls: polls.length,
    odooCallsByMethod: Object.fromEntries(Object.entries(byMethod).sort((a, b) => b[1] - a[1])),
    odooMaxInFlight: x.maxInFlight,
    templatesCreated: x.templatesCreated,
    createBatches: {
      calls: templateCreates,
      meanRecords: round(x.templatesCreated / Math.max(1, templateCreates), 1),
    },
    cpu: x.cpu,
    progress: x.progress,
    afterSalla: {
      inOdoo: atSallaEnd,
      recordsPerSecond: round((x.templatesCreated - atSallaEnd) / Math.max(0.001, afterSeconds), 1),
    },
    load: loadAverage(),
  };
}

/** The stock and delivery poll reads only `stock.*` models; the catalogue backfill never does. */
const isStockPoll = (c: FakeOdooCall): boolean => c.model.startsWith('stock.');

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function commandLine(): string {
  const vars = [
    'KAFKA_BROKERS',
    'MONGODB_URI',
    'BENCH_BACKFILL_PRODUCTS',
    'BENCH_BACKFILL_CATEGORIES',
    'BENCH_BACKFILL_PLAN',
    'ODOO_BATCH_SIZE',
    'ODOO_BATCH_WAIT_MS',
  ]
    .filter((v) => process.env[v])
    .map((v) => `${v}=${process.env[v]}`);
  return [...vars, 'npm run bench -- backfill'].join(' ');
}

function markdown(x: {
  started: Date;
  command: string;
  kafkaLine: string;
  r: Result;
  other?: OtherRun;
}): string {
  const { r } = x;
  const batching = (env: Record<string, string>) =>
    Object.keys(env).length > 0
      ? Object.entries(env)
          .map(([k, v]) => `\`${k}=${v}\``)
          .join(', ')
      : 'defaults (`ODOO_BATCH_SIZE=100`, `ODOO_BATCH_WAIT_MS=500`)';
  const runRow = (label: string, o: Result) =>
    `| ${label} | ${batching(o.odooEnv)} | ${o.complete ? `${o.wallSeconds} s` : `incomplete: ${o.templatesCreated} / ${o.products} after ${o.wallSeconds} s`} | ${o.lastSallaRequestSeconds} s | ${o.afterSalla.inOdoo} | ${o.afterSalla.recordsPerSecond} | ${o.odooCallsPerRecord} | ${o.createBatches.calls} (${o.createBatches.meanRecords}) |`;
  const progressRows = thin(r.progress, 12).map(
    (p) => `| ${p.s} | ${p.inOdoo.toLocaleString('en-US')} | ${p.sallaRequests} |`,
  );
  const routeRows = Object.entries(r.sallaRequestsByRoute).map(([k, v]) => `| \`${k}\` | ${v} |`);
  const callRows = Object.entries(r.odooCallsByMethod).map(
    ([k, v]) => `| \`${k}\` | ${v} | ${round(v / done(r), 4)} | ${((100 * v) / r.odooCalls).toFixed(0)}% |`,
  );
  const cpuRows = r.cpu.map((c) => `| ${c.who} | ${c.corePct}% |`);
  const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
  return [
    '## Backfill of a 10,000-product catalogue',
    '',
    `A store on the Salla \`${r.plan}\` plan (${r.requestsPerMinute} requests per minute) with ${r.products.toLocaleString('en-US')} products (no variants) in ${r.categories} categories installs the app and connects its Odoo; the`,
    'backfill that starts on `store.sync-ready` reads the catalogue from the Salla simulator (pages of 60, through the',
    "salla-connector's per-store rate limiter) and the odoo-connector writes it to the fake Odoo (19-style, JSON-2, **5 ms",
    'per call**) in batches. The four services run as real processes (`test/e2e-observe/service-stack.ts`, ts-node,',
    'production mode); real Kafka and FerretDB; the simulator and the fake Odoo inside the bench process. Not a test.',
    '',
    `- Date: ${x.started.toISOString()}`,
    `- Command: \`${x.command}\` (code in \`bench/backfill.ts\`)`,
    ...machine(x.kafkaLine),
    `- MongoDB wire: FerretDB at ${process.env.MONGODB_URI ?? '?'} (loopback); load average at the end: ${r.load}`,
    `- odoo-connector batching: ${
      Object.keys(r.odooEnv).length > 0
        ? Object.entries(r.odooEnv)
            .map(([k, v]) => `\`${k}=${v}\``)
            .join(', ')
        : 'its defaults (`ODOO_BATCH_SIZE=100`, `ODOO_BATCH_WAIT_MS=500`)'
    }`,
    '',
    'Wall time runs from the `store.sync-ready` event (its Kafka CreateTime) to the last `product.template` create in',
    `the fake Odoo; the backfill's first Salla request came ${r.startDelaySeconds} s after sync-ready (the worker polls for runs each second).`,
    'Salla requests and Odoo calls are those of that interval.',
    '',
    '| measure | value | goal |',
    '| --- | ---: | --- |',
    `| wall time | **${r.wallSeconds} s**${r.complete ? '' : ` — **incomplete**: ${r.templatesCreated} of ${r.products} products in Odoo when the bench's time limit ran out`} | |`,
    `| products in Odoo when reading Salla ended; pace after that | ${r.afterSalla.inOdoo}; ${r.afterSalla.recordsPerSecond} records/s | |`,
    `| Salla API requests | ${r.sallaRequests} (429s: ${r.rateLimited}), the last at ${r.lastSallaRequestSeconds} s | |`,
    `| rate-limit floor at the plan's limit (requests ÷ ${r.requestsPerMinute}/min) | ${r.floors.fullLimitSeconds} s | |`,
    `| rate-limit floor at the connector's bulk share (÷ ${r.requestsPerMinute * BULK_SHARE}/min) | ${r.floors.bulkShareSeconds} s | |`,
    `| wall ÷ floor (plan limit / bulk share) | **${r.wallOverFloor.fullLimit}× / ${r.wallOverFloor.bulkShare}×** | ≤ ${GOAL.wallOverFloor}× — ${met(r.complete && r.wallOverFloor.fullLimit <= GOAL.wallOverFloor)}${r.complete ? '' : ' (a lower bound: the run did not finish)'} |`,
    `| Odoo calls by the backfill | ${r.odooCalls} | |`,
    `| Odoo calls by the stock poll in the same interval (time-driven, not counted above) | ${r.stockPollCalls} | |`,
    `| Odoo calls per record | **${r.odooCallsPerRecord}** | ≤ ${GOAL.odooCallsPerRecord} — ${met(r.odooCallsPerRecord <= GOAL.odooCallsPerRecord)} |`,
    `| product.template creates (mean records per create) | ${r.createBatches.calls} (${r.createBatches.meanRecords}) | |`,
    `| most Odoo requests in flight at once | ${r.odooMaxInFlight} | |`,
    `| Odoo busy time (calls × ${ODOO_LATENCY_MS} ms) | ≈ ${round((r.odooCalls * ODOO_LATENCY_MS) / 1000, 1)} s | |`,
    '',
    'Progress (seconds after sync-ready; products in Odoo; Salla requests so far):',
    '',
    '| s | in Odoo | Salla requests |',
    '| ---: | ---: | ---: |',
    ...progressRows,
    '',
    ...(x.other
      ? [
          `The same bench with the other batching settings (previous run, ${x.other.date}, \`${x.other.command}\`):`,
          '',
          '| run | odoo-connector batching | wall time | last Salla request | in Odoo then | records/s after | Odoo calls per record | template creates (mean records) |',
          '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
          runRow('this run', r),
          runRow('previous run', x.other.result),
          '',
        ]
      : []),
    'Salla requests by route:',
    '',
    '| route | requests |',
    '| --- | ---: |',
    ...routeRows,
    '',
    'Odoo calls by `model.method`:',
    '',
    '| call | calls | per record | share |',
    '| --- | ---: | ---: | ---: |',
    ...callRows,
    '',
    'CPU over the backfill (install included), % of one core, from `/proc`:',
    '',
    '| process | CPU |',
    '| --- | ---: |',
    ...cpuRows,
    '',
    '### What limits these numbers',
    '',
    ...limits(r),
    '',
  ].join('\n');
}

/** Which side set the pace, from the progress samples: reading Salla, or writing to Odoo after it. */
function wallStory(r: Result): string {
  const read = r.lastSallaRequestSeconds;
  const rest = round(r.wallSeconds - read, 1);
  const n = (x: number) => x.toLocaleString('en-US');
  if (!r.complete)
    return `Reading Salla ended ${read} s after sync-ready, with ${n(r.afterSalla.inOdoo)} of ${n(r.products)} products in Odoo; when the bench's time limit ran out ${rest} s later, ${n(r.templatesCreated)} were, written at ${r.afterSalla.recordsPerSecond} records/s after Salla was read — the odoo-connector, not Salla, set the pace.`;
  if (rest <= Math.max(5, 0.2 * r.wallSeconds))
    return `Reading Salla ended ${read} s after sync-ready and the last product reached Odoo ${rest} s later: Salla's rate limit set the pace.`;
  return `Reading Salla ended ${read} s after sync-ready, with ${n(r.afterSalla.inOdoo)} of ${n(r.products)} products in Odoo; the last one reached Odoo ${rest} s later, the rest written at ${r.afterSalla.recordsPerSecond} records/s — the odoo-connector, not Salla, set the pace (${round((100 * rest) / r.wallSeconds, 0)}% of the wall time came after the last Salla request).`;
}

/** When the batches came out larger than ODOO_BATCH_SIZE: a backlog, not the settings, sized them. */
function batchNote(r: Result): string {
  const size = Number(r.odooEnv.ODOO_BATCH_SIZE ?? 100);
  if (r.createBatches.meanRecords <= 1.2 * size) return '';
  return ` Here the creates carried ${r.createBatches.meanRecords} records on average, more than \`ODOO_BATCH_SIZE\` = ${size}: with a backlog in Kafka each partition hands over up to 500 messages at once and the coalescer flushes whatever has gathered, so the batches followed the backlog rather than the settings.`;
}

/** The longest stretch of the progress samples in which no product reached Odoo, and the steps between. */
function plateaus(r: Result): string {
  const p = r.progress;
  let longest = 0;
  let steps = 0;
  for (let i = 1, since = p[0]?.s ?? 0; i < p.length; i++) {
    if (p[i].inOdoo > p[i - 1].inOdoo) {
      steps++;
      since = p[i].s;
    } else longest = Math.max(longest, p[i].s - since);
  }
  if (steps === 0) return '';
  return ` The progress table shows how: products reach Odoo in steps (a whole batch at once) with up to ${longest} s between them, while Odoo itself is idle.`;
}

/** At most `n` rows, evenly spaced, the last always kept. */
function thin<T>(rows: readonly T[], n: number): T[] {
  if (rows.length <= n) return [...rows];
  const step = rows.length / n;
  return Array.from({ length: n }, (_, i) => rows[Math.min(rows.length - 1, Math.round((i + 1) * step) - 1)]);
}

function limits(r: Result): string[] {
  const perWindow = Math.floor(r.requestsPerMinute * BULK_SHARE);
  // Categories are a per-run cost (the tree once), not a per-batch one.
  const categoryCalls = Object.entries(r.odooCallsByMethod)
    .filter(([k]) => k.startsWith('product.category.'))
    .reduce((a, [, v]) => a + v, 0);
  const callsPerBatch = (r.odooCalls - categoryCalls) / Math.max(1, r.createBatches.calls);
  const sallaPaced = r.afterSalla.recordsPerSecond >= 0.5 * Math.floor(r.requestsPerMinute * BULK_SHARE);
  const needed = Math.ceil(callsPerBatch / GOAL.odooCallsPerRecord);
  // Once the first window's burst is spent, pages of 60 arrive at the bulk pace: perWindow pages a minute.
  const arrivalsPerSecond = (perWindow * 60) / 60;
  const top = Object.entries(r.odooCallsByMethod)
    .slice(0, 4)
    .map(([k, v]) => `\`${k}\` ${v}`)
    .join(', ');
  return [
    `- **Rate-limit floor.** The connector's limiter is a sliding window: it lets ${perWindow} bulk requests (80 % of ${r.requestsPerMinute}) through in any 60 s, so the first ${perWindow} go out at once and the next ${perWindow} one window later; Salla's leaky bucket (capacity ${r.requestsPerMinute}, draining ${r.requestsPerMinute / 60}/s) accepts that burst. ${r.sallaRequests} requests therefore need only ≈ ${r.floors.burstAwareSeconds} s of rate-limit waiting — less than requests ÷ limit — so wall ÷ floor can fall below 1; when it is above, the rest of the wall time is the pipeline (Salla answers, Kafka, the odoo-connector's batches, its Mongo work in FerretDB), not the limit.`,
    `- **Odoo calls per record.** The backfill made ${r.odooCalls} calls for the ${done(r)} records that reached Odoo in ${r.createBatches.calls} \`product.template\` creates of ${r.createBatches.meanRecords} records on average: ≈ ${callsPerBatch.toFixed(1)} calls per batch (${categoryCalls} more for the category tree, once per run; largest: ${top}). Per batch the connector reads the bindings (\`ir.model.data.search_read\`), claims the new records' bindings (\`ir.model.data.create\`, so that no rival creates the same SKU or order in between), looks the SKUs up (\`product.product.search_read\`), creates the templates, and replaces the claims by the real bindings (\`ir.model.data.unlink\` + \`create\`) — a fixed cost, so calls per record ≈ ${callsPerBatch.toFixed(1)} ÷ records per batch, and ≤ ${GOAL.odooCallsPerRecord} needs batches of ≥ ${needed} records. ${sallaPaced ? `A batch closes at \`ODOO_BATCH_SIZE\` records or \`ODOO_BATCH_WAIT_MS\` after its first; after the first burst records arrive at ≈ ${arrivalsPerSecond} per second (${perWindow} pages of 60 a minute), so batches of ${needed} need \`ODOO_BATCH_SIZE≥${needed}\` **and** \`ODOO_BATCH_WAIT_MS≥${Math.ceil((1000 * needed) / arrivalsPerSecond)}\` — the wait costs nothing but the last batch's delay, as Salla sets the pace anyway.` : `Salla did not pace the batches in this run: the connector wrote ${r.afterSalla.recordsPerSecond} records/s with a backlog in Kafka, so each batch filled to \`ODOO_BATCH_SIZE\` (or a partition's 500 messages) at once and ≤ ${GOAL.odooCallsPerRecord} needs \`ODOO_BATCH_SIZE≥${needed}\` (the coalescer caps a batch at 1000).`} Categories and the placeholders of their products add a few calls per run, not per batch.${batchNote(r)}`,
    `- **Where the wall time goes.** ${wallStory(r)}${plateaus(r)} Odoo itself was busy ≈ ${round((r.odooCalls * ODOO_LATENCY_MS) / 1000, 1)} s in all (${r.odooCalls} calls × ${ODOO_LATENCY_MS} ms), so the rest is the odoo-connector between Kafka and Odoo. Besides its few Odoo calls per batch it makes Mongo round trips per record, one after the other within a batch: the applied-version read (\`applied\`), the binding writes (\`remember\`, for the product and for its SKU) and \`markApplied\` — ≈ 4 × ${r.products.toLocaleString('en-US')} FerretDB operations, each a SQLite read or write on the same 2 cores (CPU over the run, % of one core: odoo-connector ${r.cpu.find((c) => c.who === 'odoo-connector')?.corePct ?? '?'}%, ${othersOf(r.cpu)}). While a batch runs, the partitions whose messages it carries are held, and the coalescer merges a store's partitions into one batch. Batching those Mongo operations (one \`$in\` read and one \`bulkWrite\` per batch) would make the backfill's own work a few dozen round trips per batch.`,
    "- Absolute times are this shared 2-core VM's. The fake Odoo answers every call after a fixed 5 ms plus its own in-memory work (~1–2 s for a create of 500 templates at 10,000 stored, in the bench's process); a real Odoo's create of a few hundred templates takes longer, and that time adds per batch.",
  ];
}
