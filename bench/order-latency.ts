// `npm run bench -- order-latency`: end-to-end latency of a new Salla order — from the moment its webhook is
// due (an open-loop schedule at a fixed arrival rate) to the moment its sale.order exists in the fake Odoo
// (5 ms per call) — with the four services as real processes (test/e2e-observe/service-stack.ts), real Kafka
// and Mongo. Goal (issue 9): p99 ≤ 1 s at 200 orders/s — a system figure: the orders arrive across many
// stores, each connected to its own Odoo database (the odoo-connector caps requests in flight per Odoo
// database, so one store alone could never take 200/s, on purpose). Writes its BENCHMARKS.md section and
// bench/results/order-latency.json. Knobs: BENCH_STORES (connected stores, orders spread round-robin, 20),
// BENCH_ORDER_RATE (goal rate, 200), BENCH_ORDER_LOW_RATE (50), BENCH_ORDER_SECONDS (20 per rate),
// BENCH_WARMUP_SECONDS (3), BENCH_DRAIN_SECONDS (longest wait for the last orders after the schedule ends, 120).
import os from 'node:os';
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { sallaOrder, type SallaOrderWebhook } from '../test/e2e-observe/salla-orders';
import { ServiceStack } from '../test/e2e-observe/service-stack';

import { CanonicalOrderWatch, nowMs, OdooOrderWatch } from './order-watch';
import { machine, ROOT, writeSection } from './report';
import {
  cleanUpRun,
  CpuMeter,
  type CpuShare,
  mongoCommandCounts,
  intEnv,
  loadAverage,
  loopbackInfra,
  othersOf,
  sleep,
  spread,
  type Spread,
  syncReadyTimes,
} from './stack-bench';

const RESULTS = join(ROOT, 'bench', 'results', 'order-latency.json');
const GOAL = { rate: 200, p99Ms: 1000 };
const ODOO_LATENCY_MS = 5;
const POLL_MS = 10;
/** How long the connected, order-less stack is watched before the phases (its background CPU). */
const IDLE_SECONDS = 10;
const QUIET_COMMANDS_PER_SECOND = 50;
/**
 * The poster retries a webhook answered 5xx (or not within 30 s) after this long. Salla retries 3 times about 5
 * minutes apart; the bench's drain wait is 2 minutes, so 5 s — still 60× Salla's pace, but not the retry storm
 * of a 250 ms loop, which at 200/s tripled the load on an overloaded gateway.
 */
const POSTER_RETRY_DELAY_MS = 5_000;
const QUIET_MAX_SECONDS = 600;
/** Partitions the odoo-connector works on at once (KAFKA_PARTITIONS_CONCURRENCY, default 3). */
const PARTITIONS_CONCURRENT = Number(process.env.KAFKA_PARTITIONS_CONCURRENCY ?? 3);
/** Messages of different keys (orders) it works on at once within one partition (KAFKA_KEY_CONCURRENCY). */
const KEYS_CONCURRENT = Number(process.env.KAFKA_KEY_CONCURRENCY ?? 1);
/** The order topics' partitions (ENTITY in the topic specs). */
const ORDER_PARTITIONS = 6;
/** Orders one odoo-connector replica may have in progress at once. */
const ORDER_SLOTS = Math.min(PARTITIONS_CONCURRENT, ORDER_PARTITIONS) * KEYS_CONCURRENT;

/** A connected store and the fake Odoo database it writes to (one merchant's Odoo). */
interface Store {
  id: string;
  database: string;
}

/** One order's way through the system, epoch ms. */
interface Sample {
  order: SallaOrderWebhook;
  store: Store;
  dueAt: number;
  sentAt?: number;
  acceptedAt?: number;
  attempts?: number;
  failed?: string;
}

interface Phase {
  rate: number;
  seconds: number;
  offered: number;
  accepted: number;
  /** Webhooks answered 200 per second, from the first due time to the last acceptance. */
  acceptedPerSecond: number;
  refused: number;
  /** Webhooks the gateway had not answered when the drain wait ended (the poster was still retrying them). */
  unanswered: number;
  /** Deliveries the gateway answered only on a retry (5xx or dropped connection first). */
  retried: number;
  /** Accepted orders whose canonical event the salla-connector had published by the end of the wait. */
  canonicalEvents?: number;
  inOdoo: number;
  lost: number;
  /** Due time → sale.order in Odoo. */
  latencyMs: Spread;
  stagesMs: {
    /** Due → request sent: the load generator falling behind its schedule (this process is busy). */
    schedule: Spread;
    /** Sent → 200: gateway intake (signature, Mongo claim, sealed publish with acks=all). */
    gateway: Spread;
    /** 200 → canonical event published: salla-connector (consume, decrypt, translate, publish). */
    sallaConnector: Spread;
    /** Canonical event → sale.order in Odoo: odoo-connector (consume, partner/product lookups, create). */
    odooConnector: Spread;
  };
  /** The same figures per store, in store order. */
  perStore: StoreFigures[];
  /** Last due time → last order in Odoo. */
  drainMs: number;
  /** Orders written to Odoo per second from the first to the last of the phase (the downstream pace). */
  odooOrdersPerSecond: number;
  odooCallsPerOrder: Record<string, number>;
  /** Mongo commands per order in Odoo, all services together, by command (absent in older results). */
  mongoCommandsPerOrder?: Record<string, number>;
  odooMaxInFlight: number;
  sallaApiCalls: number;
  cpu: CpuShare[];
  benchLoopDelayMs: { p99: number; max: number };
  load: string;
}

interface StoreFigures {
  storeId: string;
  database: string;
  offered: number;
  inOdoo: number;
  latencyMs: Spread;
  /** This store's orders written to its Odoo per second, first → last. */
  odooOrdersPerSecond: number;
  /** Calls to this store's Odoo database in the phase. */
  odooCalls: number;
}

export async function runOrderLatencyBench(): Promise<void> {
  if (process.env.BENCH_RENDER_ONLY) return renderRecorded();
  const { brokers, mongoUri } = loopbackInfra();
  const storeCount = intEnv('BENCH_STORES', 20, 1, 500);
  const goalRate = intEnv('BENCH_ORDER_RATE', GOAL.rate, 1, 2000);
  const lowRate = intEnv('BENCH_ORDER_LOW_RATE', 50, 1, 2000);
  const seconds = intEnv('BENCH_ORDER_SECONDS', 20, 1, 600);
  const warmup = intEnv('BENCH_WARMUP_SECONDS', 3, 0, 60);
  const drainSeconds = intEnv('BENCH_DRAIN_SECONDS', 120, 5, 3600);
  const started = new Date();
  console.log(
    `order-latency: ${lowRate} then ${goalRate} orders/s for ${seconds} s each over ${storeCount} stores (load ${loadAverage()})`,
  );
  // ODOO_MAX_CONCURRENT (Odoo requests in flight per Odoo database, default 2) is passed on when set.
  const odooEnv: Record<string, string> = {};
  if (process.env.ODOO_MAX_CONCURRENT) odooEnv.ODOO_MAX_CONCURRENT = process.env.ODOO_MAX_CONCURRENT;
  // KAFKA_PARTITIONS_CONCURRENCY (partitions the odoo-connector works on at once, default 3) likewise.
  if (process.env.KAFKA_PARTITIONS_CONCURRENCY)
    odooEnv.KAFKA_PARTITIONS_CONCURRENCY = process.env.KAFKA_PARTITIONS_CONCURRENCY;
  // KAFKA_KEY_CONCURRENCY goes to every service (ServiceStack passes it on).
  const stack = await ServiceStack.start({
    odooDatabases: storeCount,
    posterRetryDelayMs: POSTER_RETRY_DELAY_MS,
    envOf: { 'odoo-connector': odooEnv },
  });
  let canonical: CanonicalOrderWatch | undefined;
  const watch = new OdooOrderWatch(stack.odoo.databases.map((name) => stack.odoo.database(name)));
  try {
    stack.odoo.latency(ODOO_LATENCY_MS);
    // One store per Odoo database, installed side by side (as merchants would, independently).
    const stores: Store[] = await Promise.all(
      stack.odoo.databases.map(async (database) => ({
        id: await stack.installConnectedStore(undefined, { database }),
        database,
      })),
    );
    const storeIds = new Set(stores.map((s) => s.id));
    await syncReadyTimes(brokers, `${stack.run}-bench-ready`, storeIds, 300_000);
    canonical = await CanonicalOrderWatch.start(brokers, `${stack.run}-bench-watch`, storeIds);
    watch.start(POLL_MS);
    console.log(`  stack up, ${stores.length} stores connected, each to its own Odoo database`);
    const settledIn = await waitUntilQuiet(mongoUri);
    console.log(
      `  quiet after ${settledIn.toFixed(0)} s (Mongo below ${QUIET_COMMANDS_PER_SECOND} commands/s)`,
    );
    const idle = { ...(await measureIdle(stack, mongoUri, IDLE_SECONDS)), settledSeconds: settledIn };
    console.log(
      `  idle ${IDLE_SECONDS} s: cpu ${idle.cpu.map((c) => `${c.who} ${c.corePct}%`).join(', ')}; Mongo ${idle.mongoCommandsPerSecond.toFixed(1)} commands/s`,
    );

    const base = randomInt(1_000_000_000, 1_900_000_000);
    let n = 0;
    // Round-robin: order n goes to store n mod N, so every store gets rate / N orders per second.
    const orders = (count: number) =>
      Array.from({ length: count }, () => {
        const store = stores[n % stores.length];
        return { order: sallaOrder(base, n++), store };
      });
    const run = (rate: number, secs: number) =>
      runPhase(stack, mongoUri, stores, watch, canonical!, rate, secs, orders(rate * secs), drainSeconds);

    if (warmup > 0) {
      const w = await run(lowRate, warmup);
      console.log(`  warm-up: ${w.inOdoo}/${w.offered} in Odoo, p50 ${w.latencyMs.p50} ms`);
    }
    const phases: Phase[] = [];
    for (const rate of [lowRate, goalRate]) {
      const p = await run(rate, seconds);
      phases.push(p);
      console.log(
        `  ${rate}/s: accepted ${p.acceptedPerSecond.toFixed(1)}/s, in Odoo ${p.inOdoo}/${p.offered}, lost ${p.lost}, latency p50 ${p.latencyMs.p50} p90 ${p.latencyMs.p90} p99 ${p.latencyMs.p99} max ${p.latencyMs.max} ms; gateway p50 ${p.stagesMs.gateway.p50} p99 ${p.stagesMs.gateway.p99}; salla-connector p50 ${p.stagesMs.sallaConnector.p50} p99 ${p.stagesMs.sallaConnector.p99}; odoo-connector p50 ${p.stagesMs.odooConnector.p50} p99 ${p.stagesMs.odooConnector.p99}`,
      );
      console.log(`    cpu: ${p.cpu.map((c) => `${c.who} ${c.corePct}%`).join(', ')}`);
      console.log(
        `    per store p99 ms: ${p.perStore.map((s) => s.latencyMs.p99).join(' ')}; Odoo orders/s ${p.odooOrdersPerSecond}, max in flight ${p.odooMaxInFlight}`,
      );
    }

    const command = commandLine();
    const kafkaLine = `${brokers} (loopback, the shared dev broker)`;
    const json = {
      bench: 'order-latency',
      date: started.toISOString(),
      machine: machine(kafkaLine).map((l) => l.replace(/^- /, '')),
      command,
      odooLatencyMs: ODOO_LATENCY_MS,
      stores: stores.length,
      warmupSeconds: warmup,
      drainSeconds,
      goal: GOAL,
      idle,
      phases,
    };
    writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
    await writeSection(
      'order-latency',
      markdown({
        started,
        command,
        kafkaLine,
        warmup,
        stores: stores.length,
        drain: drainSeconds,
        idle,
        phases,
      }),
    );
    console.log('wrote bench/results/order-latency.json and the order-latency section of BENCHMARKS.md');
  } finally {
    watch.stop();
    await canonical?.stop().catch(() => undefined);
    await stack.stop();
    await cleanUpRun(stack, brokers, mongoUri).catch((err: unknown) =>
      console.error(`cleanup: ${String(err)}`),
    );
  }
}

/**
 * BENCH_RENDER_ONLY=1: rewrites the BENCHMARKS.md section from bench/results/order-latency.json with the current
 * text generation, no run (a full-scale run takes minutes on a busy machine; the figures are the recorded run's).
 */
async function renderRecorded(): Promise<void> {
  const recorded = JSON.parse(readFileSync(RESULTS, 'utf8')) as {
    date: string;
    command: string;
    machine: string[];
    stores: number;
    warmupSeconds: number;
    drainSeconds: number;
    idle?: Idle;
    phases: Phase[];
  };
  const kafkaLine = recorded.machine.find((l) => l.startsWith('Kafka: '))?.replace(/^Kafka: /, '') ?? '?';
  await writeSection(
    'order-latency',
    markdown({
      started: new Date(recorded.date),
      command: recorded.command,
      kafkaLine,
      warmup: recorded.warmupSeconds,
      stores: recorded.stores,
      drain: recorded.drainSeconds,
      idle: recorded.idle,
      phases: recorded.phases,
    }),
  );
  console.log(`rewrote the order-latency section from the run of ${recorded.date}`);
}

/**
 * Waits until the stack's Mongo traffic falls below QUIET_COMMANDS_PER_SECOND for 3 s in a row (at most
 * QUIET_MAX_SECONDS), and returns how long that took. A fresh stack on a broker with history catches up first:
 * its new consumer groups read every topic from the start (the gateway indexes every old dead letter, projects
 * every old activity line); measured during that, the phases would carry someone else's load.
 */
async function waitUntilQuiet(mongoUri: string): Promise<number> {
  const started = nowMs();
  let previous = await mongoCommandCounts(mongoUri);
  let quietSeconds = 0;
  while (quietSeconds < 3 && nowMs() - started < QUIET_MAX_SECONDS * 1000) {
    await sleep(1000);
    const now = await mongoCommandCounts(mongoUri);
    const commands = totalOf(commandsBetween(previous, now));
    previous = now;
    quietSeconds = commands < QUIET_COMMANDS_PER_SECOND ? quietSeconds + 1 : 0;
  }
  return (nowMs() - started) / 1000;
}

/** The stack with its stores connected and no orders: the CPU and Mongo traffic every phase pays anyway. */
interface Idle {
  /** How long the stack took to go quiet after its stores connected (see waitUntilQuiet). */
  settledSeconds?: number;
  seconds: number;
  cpu: CpuShare[];
  mongoCommandsPerSecond: number;
}

async function measureIdle(stack: ServiceStack, mongoUri: string, seconds: number): Promise<Idle> {
  const cpu = new CpuMeter(stack);
  const before = await mongoCommandCounts(mongoUri);
  cpu.start();
  await sleep(seconds * 1000);
  const shares = cpu.stop();
  const after = await mongoCommandCounts(mongoUri);
  return { seconds, cpu: shares, mongoCommandsPerSecond: totalOf(commandsBetween(before, after)) / seconds };
}

/** Commands served between two `mongoCommandCounts` samples, by name (only those that moved). */
function commandsBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const moved = new Map<string, number>();
  for (const [name, n] of after) {
    const delta = n - (before.get(name) ?? 0);
    if (delta > 0) moved.set(name, delta);
  }
  return moved;
}

const totalOf = (counts: Map<string, number>): number => [...counts.values()].reduce((a, n) => a + n, 0);

/**
 * Sends `orders` on an open-loop schedule (order i is due at t0 + i/rate whatever happened to the earlier ones,
 * so a slow answer does not slow the arrivals down) and waits until every accepted order is in Odoo or the
 * drain time is up.
 */
async function runPhase(
  stack: ServiceStack,
  mongoUri: string,
  stores: readonly Store[],
  watch: OdooOrderWatch,
  canonical: CanonicalOrderWatch,
  rate: number,
  seconds: number,
  orders: Array<{ order: SallaOrderWebhook; store: Store }>,
  drainSeconds: number,
): Promise<Phase> {
  const sallaCalls = () => stores.reduce((a, s) => a + stack.sim.callsFor(s.id).length, 0);
  const sallaBefore = sallaCalls();
  stack.odoo.resetRecording(); // this phase's calls only, and the in-flight maximum restarts
  const mongoBefore = await mongoCommandCounts(mongoUri);
  const cpu = new CpuMeter(stack);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  cpu.start();
  loop.enable();
  const t0 = nowMs() + 20;
  const samples: Sample[] = orders.map(({ order, store }, i) => ({
    order,
    store,
    dueAt: t0 + (i * 1000) / rate,
  }));
  const sending: Array<Promise<void>> = [];
  for (let next = 0; next < samples.length;) {
    while (next < samples.length && samples[next].dueAt <= nowMs()) {
      const s = samples[next++];
      s.sentAt = nowMs();
      sending.push(
        stack.poster.post(s.store.id, 'order.created', s.order.data).then(
          (d) => {
            s.acceptedAt = nowMs();
            s.attempts = d.attempts;
          },
          (err: unknown) => {
            s.failed = err instanceof Error ? err.message : String(err);
          },
        ),
      );
    }
    if (next < samples.length) await sleep(Math.max(0, Math.min(5, samples[next].dueAt - nowMs())));
  }
  // The wait ends drainSeconds after the last due time, answered or not: an overloaded gateway answers late
  // and the poster retries each webhook for minutes, so waiting for every answer could take unbounded time.
  let answered = false;
  void Promise.all(sending).then(() => (answered = true));
  const lastDue = samples[samples.length - 1].dueAt;
  const deadline = lastDue + drainSeconds * 1000;
  const done = () =>
    answered && samples.every((s) => s.acceptedAt === undefined || watch.seenAt.has(s.order.reference));
  while (nowMs() < deadline && !done()) await sleep(50);
  const accepted = samples.filter((s) => s.acceptedAt !== undefined);
  const unanswered = samples.filter((s) => s.acceptedAt === undefined && s.failed === undefined).length;
  watch.poll();
  loop.disable();
  const cpuShares = cpu.stop();
  const mongoAfter = await mongoCommandCounts(mongoUri);

  const seen = (s: Sample) => watch.seenAt.get(s.order.reference);
  const inOdoo = samples.filter((s) => seen(s) !== undefined);
  const lastIn = Math.max(...inOdoo.map((s) => seen(s)!), lastDue);
  const firstIn = Math.min(...inOdoo.map((s) => seen(s)!));
  const lastAccepted = Math.max(t0 + 1, ...accepted.map((s) => s.acceptedAt!));
  const perOrder: Record<string, number> = {};
  for (const [k, v] of Object.entries(stack.odoo.counters()))
    if (inOdoo.length > 0) perOrder[k] = Number((v / inOdoo.length).toFixed(3));
  // Every service's commands (and the bench's own `sale.order` polls go to the fake Odoo, not Mongo).
  const mongoPerOrder: Record<string, number> = {};
  if (inOdoo.length > 0)
    for (const [name, n] of commandsBetween(mongoBefore, mongoAfter))
      mongoPerOrder[name] = Number((n / inOdoo.length).toFixed(2));
  const callsPerDatabase = new Map<string, number>();
  for (const c of stack.odoo.calls)
    callsPerDatabase.set(c.database, (callsPerDatabase.get(c.database) ?? 0) + 1);
  const perStore = stores.map((store): StoreFigures => {
    const mine = samples.filter((s) => s.store === store);
    const done = mine.filter((s) => seen(s) !== undefined);
    return {
      storeId: store.id,
      database: store.database,
      offered: mine.length,
      inOdoo: done.length,
      latencyMs: spread(done.map((s) => seen(s)! - s.dueAt)),
      odooOrdersPerSecond: pace(done.map((s) => seen(s)!)),
      odooCalls: callsPerDatabase.get(store.database) ?? 0,
    };
  });
  const published = (s: Sample) => canonical.publishedAt.get(s.order.reference);
  const both = inOdoo.filter((s) => s.acceptedAt !== undefined && published(s) !== undefined);
  // Canonical events out by the end of the wait, whether or not their order reached Odoo: where the orders stopped.
  const out = accepted.filter((s) => published(s) !== undefined);
  return {
    rate,
    seconds,
    offered: samples.length,
    accepted: accepted.length,
    acceptedPerSecond: accepted.length / ((lastAccepted - t0) / 1000),
    refused: samples.length - accepted.length,
    unanswered,
    retried: accepted.filter((s) => (s.attempts ?? 1) > 1).length,
    canonicalEvents: out.length,
    inOdoo: inOdoo.length,
    lost: samples.length - inOdoo.length,
    latencyMs: spread(inOdoo.map((s) => seen(s)! - s.dueAt)),
    stagesMs: {
      schedule: spread(samples.map((s) => s.sentAt! - s.dueAt)),
      gateway: spread(accepted.map((s) => s.acceptedAt! - s.sentAt!)),
      sallaConnector: spread(out.map((s) => published(s)! - s.acceptedAt!)),
      odooConnector: spread(both.map((s) => seen(s)! - published(s)!)),
    },
    perStore,
    drainMs: Math.round(lastIn - lastDue),
    odooOrdersPerSecond: Number((inOdoo.length / Math.max(0.001, (lastIn - firstIn) / 1000)).toFixed(1)),
    odooCallsPerOrder: perOrder,
    mongoCommandsPerOrder: mongoPerOrder,
    odooMaxInFlight: stack.odoo.maxInFlight(),
    sallaApiCalls: sallaCalls() - sallaBefore,
    cpu: cpuShares,
    benchLoopDelayMs: { p99: Math.round(loop.percentile(99) / 1e6), max: Math.round(loop.max / 1e6) },
    load: loadAverage(),
  };
}

/** Orders per second between the first and the last of `times` (epoch ms); 0 with fewer than two. */
function pace(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return Number((times.length / Math.max(0.001, span)).toFixed(1));
}

function commandLine(): string {
  const vars = [
    'KAFKA_BROKERS',
    'MONGODB_URI',
    'BENCH_STORES',
    'BENCH_ORDER_RATE',
    'BENCH_ORDER_LOW_RATE',
    'BENCH_ORDER_SECONDS',
    'BENCH_WARMUP_SECONDS',
    'BENCH_DRAIN_SECONDS',
    'ODOO_MAX_CONCURRENT',
    'KAFKA_PARTITIONS_CONCURRENCY',
    'KAFKA_KEY_CONCURRENCY',
  ]
    .filter((v) => process.env[v])
    .map((v) => `${v}=${process.env[v]}`);
  return [...vars, 'npm run bench -- order-latency'].join(' ');
}

const ms = (s: Spread, q: 'p50' | 'p90' | 'p99' | 'max') => (s.n === 0 ? '–' : String(s[q]));

function markdown(r: {
  started: Date;
  command: string;
  kafkaLine: string;
  warmup: number;
  stores: number;
  drain: number;
  idle?: Idle;
  phases: Phase[];
}): string {
  const rows = r.phases.map(
    (p) =>
      `| ${p.rate} | ${p.seconds} | ${p.accepted} (${p.acceptedPerSecond.toFixed(1)}/s) | ${p.canonicalEvents ?? '?'} | ${p.inOdoo} / ${p.offered} | **${p.lost}** | ${ms(p.latencyMs, 'p50')} | ${ms(p.latencyMs, 'p90')} | **${ms(p.latencyMs, 'p99')}** | ${ms(p.latencyMs, 'max')} | ${(p.drainMs / 1000).toFixed(1)} |`,
  );
  const stageRows = r.phases.flatMap((p) =>
    (
      [
        ['load generator behind schedule', p.stagesMs.schedule],
        ['gateway: sent → 200', p.stagesMs.gateway],
        ['salla-connector: 200 → canonical event', p.stagesMs.sallaConnector],
        ['odoo-connector: canonical event → sale.order', p.stagesMs.odooConnector],
      ] as const
    ).map(
      ([name, s]) =>
        `| ${p.rate} | ${name} | ${ms(s, 'p50')} | ${ms(s, 'p90')} | ${ms(s, 'p99')} | ${ms(s, 'max')} |`,
    ),
  );
  // CPU time per order in Odoo: the portable figure (how many cores a rate needs), where the % is this VM's.
  const perOrderCpu = (p: Phase, c: CpuShare | undefined): string =>
    c?.cpuMs === undefined || p.inOdoo === 0 ? '' : ` (${(c.cpuMs / p.inOdoo).toFixed(1)} ms/order)`;
  const cpuRows = (r.phases[0]?.cpu ?? []).map(
    (c, i) =>
      `| ${c.who} | ${r.phases.map((p) => `${p.cpu[i]?.corePct ?? '?'}%${perOrderCpu(p, p.cpu[i])}`).join(' | ')} |`,
  );
  const mongoNames = [...new Set(r.phases.flatMap((p) => Object.keys(p.mongoCommandsPerOrder ?? {})))].sort();
  const mongoRows = mongoNames.map(
    (k) => `| \`${k}\` | ${r.phases.map((p) => p.mongoCommandsPerOrder?.[k] ?? 0).join(' | ')} |`,
  );
  const mongoTotal = (p: Phase): string =>
    Object.values(p.mongoCommandsPerOrder ?? {})
      .reduce((a, n) => a + n, 0)
      .toFixed(1);
  const callNames = [...new Set(r.phases.flatMap((p) => Object.keys(p.odooCallsPerOrder)))].sort();
  const callRows = callNames.map(
    (k) => `| \`${k}\` | ${r.phases.map((p) => p.odooCallsPerOrder[k] ?? 0).join(' | ')} |`,
  );
  const storeRows = (r.phases[0]?.perStore ?? []).map(
    (st, i) =>
      `| ${st.storeId} (\`${st.database}\`) | ${r.phases
        .map((p) => {
          const x = p.perStore[i];
          return `${x.inOdoo} / ${x.offered} | ${ms(x.latencyMs, 'p50')} | ${ms(x.latencyMs, 'p99')}`;
        })
        .join(' | ')} |`,
  );
  const storeHead = r.phases.map((p) => `${p.rate}/s in Odoo | p50 ms | p99 ms`).join(' | ');
  const storeSep = r.phases.map(() => '---: | ---: | ---:').join(' | ');
  const p99Range = (p: Phase) => {
    const p99s = p.perStore.filter((x) => x.latencyMs.n > 0).map((x) => x.latencyMs.p99);
    return p99s.length === 0 ? '–' : `${Math.min(...p99s)} – ${Math.max(...p99s)} ms`;
  };
  const goal = r.phases.find((p) => p.rate === GOAL.rate);
  const verdict = goal
    ? goal.lost === 0 && goal.latencyMs.p99 <= GOAL.p99Ms
      ? `**met** (p99 ${goal.latencyMs.p99} ms, 0 lost)`
      : `**not met** (${goal.inOdoo === 0 ? 'no order reached Odoo within the wait' : `p99 ${goal.latencyMs.p99} ms`}, ${goal.lost} of ${goal.offered} lost, ${goal.acceptedPerSecond.toFixed(0)} of ${GOAL.rate} webhooks/s accepted)`
    : `not measured at ${GOAL.rate}/s in this run (rates: ${r.phases.map((p) => p.rate).join(', ')})`;
  const head = r.phases.map((p) => `${p.rate}/s`).join(' | ');
  const sep = r.phases.map(() => '---:').join(' | ');
  return [
    '## End-to-end order latency',
    '',
    'A new Salla order from its webhook to its `sale.order` in Odoo: the four services as real processes',
    '(`test/e2e-observe/service-stack.ts`: each `main.ts` under ts-node, production mode, `LOG_LEVEL=warn`), one',
    'gateway, real Kafka and FerretDB, the Salla simulator and the fake Odoo (19-style, JSON-2, **5 ms per call**)',
    `inside the bench process. **${r.stores} stores** installed and connected, each to its own database of the fake Odoo`,
    "(a merchant's own Odoo: the odoo-connector's `ODOO_MAX_CONCURRENT` cap applies per Odoo database, so one store",
    `alone tops out far below ${GOAL.rate}/s on purpose; the goal is a system figure). Orders go to the stores round-robin,`,
    `so each store gets rate ÷ ${r.stores}. Every order is a distinct \`order.created\` webhook (Salla's documented sample`,
    `with its own id and reference), signed, posted by the e2e poster (which retries a 5xx or a 30 s silence like Salla, but after ${POSTER_RETRY_DELAY_MS / 1000} s instead of Salla's 5 minutes). Open-loop`,
    'arrivals: order _i_ is due at t0 + _i_/rate whatever the earlier answers, many in flight; latency = due time → the',
    'moment a 10 ms poll of the fake (by id, in every database) finds the `sale.order` with that `client_order_ref`',
    '(so it includes any lag of the load generator). Not a test — nothing asserts on these numbers.',
    '',
    `- Date: ${r.started.toISOString()}`,
    `- Command: \`${r.command}\` (code in \`bench/order-latency.ts\`)`,
    ...machine(r.kafkaLine),
    `- MongoDB wire: FerretDB at ${process.env.MONGODB_URI ?? '?'} (loopback)`,
    `- Warm-up: ${r.warmup} s at the lower rate first (not reported); load average at the end of each phase: ${r.phases.map((p) => `${p.rate}/s ${p.load}`).join('; ')}`,
    '',
    '| rate offered /s | seconds | webhooks accepted | canonical events out | in Odoo | lost | p50 ms | p90 ms | p99 ms | max ms | drain s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Goal (issue 9): p99 ≤ ${GOAL.p99Ms} ms at ${GOAL.rate} orders/s, 0 lost — ${verdict}. "Drain" is the time from the`,
    `last due webhook to the last order in Odoo; "lost" counts orders not in Odoo when the drain wait ended (${r.drain} s after the last due time,`,
    `answered or not); webhooks the gateway had not answered by then: ${r.phases.map((p) => `${p.rate}/s ${p.unanswered ?? 0}`).join(', ')}.`,
    '',
    `Per store (p99 across stores: ${r.phases.map((p) => `${p.rate}/s ${p99Range(p)}`).join('; ')}):`,
    '',
    `| store (Odoo database) | ${storeHead} |`,
    `| --- | ${storeSep} |`,
    ...storeRows,
    '',
    '### Where the time goes',
    '',
    "Each order timed at four points: due, sent, accepted (the gateway's 200, given after the broker's ack), its",
    "canonical `sales.order.upserted` event (Kafka CreateTime, read by the bench's own consumer group) and its",
    '`sale.order` in Odoo.',
    '',
    '| rate /s | stage | p50 ms | p90 ms | p99 ms | max ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...stageRows,
    '',
    'CPU over each phase (warm-up excluded, drain included), % of one core, from `/proc`, and CPU time per order',
    'that reached Odoo in the phase:',
    '',
    `| process | ${head} |`,
    `| --- | ${sep} |`,
    ...cpuRows,
    '',
    ...(r.idle === undefined
      ? []
      : [
          `Before the phases, once the stack had gone quiet (${r.idle.settledSeconds === undefined ? '?' : r.idle.settledSeconds.toFixed(0)} s after its stores connected: new consumer groups first read the broker's history), the same stack with its ${r.stores} stores connected and no orders for ${r.idle.seconds} s (background: stock polls, sweeps, consumer fetch loops, health checks) used ${r.idle.cpu.map((c) => `${c.who} ${c.corePct}%`).join(', ')}; Mongo ${r.idle.mongoCommandsPerSecond.toFixed(1)} commands/s.`,
          '',
        ]),
    ...(mongoRows.length === 0
      ? []
      : [
          "Mongo commands per order, all services together (the server's own command counters; nothing else used it):",
          '',
          `| command | ${head} |`,
          `| --- | ${sep} |`,
          ...mongoRows,
          `| **all** | ${r.phases.map((p) => `**${mongoTotal(p)}**`).join(' | ')} |`,
          '',
        ]),
    'Fake Odoo calls per order (by `model.method`):',
    '',
    `| call | ${head} |`,
    `| --- | ${sep} |`,
    ...callRows,
    `| orders written to Odoo per second (first → last) | ${r.phases.map((p) => p.odooOrdersPerSecond).join(' | ')} |`,
    `| most requests in flight at once (all databases) | ${r.phases.map((p) => p.odooMaxInFlight).join(' | ')} |`,
    `| Salla API calls in the phase | ${r.phases.map((p) => p.sallaApiCalls).join(' | ')} |`,
    `| webhooks retried by the poster | ${r.phases.map((p) => p.retried).join(' | ')} |`,
    `| bench event-loop delay p99 / max ms | ${r.phases.map((p) => `${p.benchLoopDelayMs.p99} / ${p.benchLoopDelayMs.max}`).join(' | ')} |`,
    '',
    '### What limits these numbers',
    '',
    ...limits(r.phases, r.stores),
    '',
  ].join('\n');
}

/** The process that used the most CPU in a phase (the whole-machine row left out). */
function busiest(cpu: readonly CpuShare[]): string {
  const top = cpu
    .filter((c) => !c.who.startsWith('whole machine'))
    .reduce((a, b) => (b.corePct > a.corePct ? b : a));
  return `${top.who.replace(/ on the machine.*$/, '').replace(/ \(.*$/, '')} (${top.corePct}%)`;
}

/** The analysis, from the figures of this run: which sentence applies depends on what the run showed. */
/**
 * CPU per order from the first phase every order of which reached Odoo (below overload, so no work is wasted
 * on retries): how many orders/s these 2 cores can carry at best, and how many such cores the goal rate needs.
 */
function capacity(phases: Phase[]): string[] {
  const p = phases.find((x) => x.inOdoo === x.offered && x.inOdoo > 0);
  const cpuMs = (who: string) => p?.cpu.find((c) => c.who.startsWith(who))?.cpuMs;
  const machineMs = cpuMs('whole machine');
  if (!p || machineMs === undefined) return [];
  const perOrder = machineMs / p.inOdoo;
  const cores = os.availableParallelism();
  const mongoPerOrder = Object.values(p.mongoCommandsPerOrder ?? {}).reduce((a, n) => a + n, 0);
  const ferretMsPerCommand =
    mongoPerOrder > 0 ? (cpuMs('FerretDB') ?? 0) / p.inOdoo / mongoPerOrder : undefined;
  const ours = ['gateway', 'salla-connector', 'odoo-connector']
    .map((who) => `${who} ${((cpuMs(who) ?? 0) / p.inOdoo).toFixed(1)}`)
    .join(', ');
  return [
    `- **CPU is the ceiling on this machine.** At ${p.rate}/s every order reached Odoo and the whole machine spent ${perOrder.toFixed(1)} ms of CPU per order (${ours} ms in our services; the rest is FerretDB, Kafka and the bench's own load generator, Salla simulator and fake Odoo). ${cores} cores therefore carry at most ≈ ${((cores * 1000) / perOrder).toFixed(0)} orders/s end to end, whatever the concurrency settings; ${GOAL.rate}/s needs ≈ ${((GOAL.rate * perOrder) / 1000).toFixed(1)} cores of this kind, spread over gateway replicas, connector replicas (up to the order topics' ${ORDER_PARTITIONS} partitions) and a real MongoDB${ferretMsPerCommand === undefined ? '' : ` (FerretDB spent ${ferretMsPerCommand.toFixed(2)} ms of CPU per command, ${mongoPerOrder.toFixed(1)} commands per order, SQLite underneath)`}.`,
  ];
}

function limits(phases: Phase[], stores: number): string[] {
  const high = phases[phases.length - 1];
  if (!high) return [];
  // The Odoo-side analysis needs orders that reached Odoo: the highest rate at which some did.
  const ref = [...phases].reverse().find((p) => p.inOdoo > 0);
  const share = (p: Phase, who: string) => p.cpu.find((c) => c.who.startsWith(who))?.corePct ?? 0;
  const machineBusy = high.cpu.find((c) => c.who.startsWith('whole machine'))?.corePct ?? 0;
  const f = (x: number) => x.toFixed(0);
  const st = (x: Spread) => (x.n === 0 ? 'none got through' : `p50 ${x.p50} / p99 ${x.p99} ms`);
  const intakeKeepsUp = high.acceptedPerSecond >= 0.95 * high.rate;
  const lines: string[] = [];
  if (high.inOdoo === 0) {
    lines.push(
      `- **Where the orders stopped at ${high.rate}/s:** none reached Odoo within the wait. The gateway answered ${high.accepted} of ${high.offered} webhooks (sent → 200: ${st(high.stagesMs.gateway)}; ${high.unanswered ?? 0} still unanswered, ${high.retried} accepted only after the poster retried); ${high.canonicalEvents === undefined ? '' : `the salla-connector had published the canonical event of ${high.canonicalEvents} of the accepted ones; `}the odoo-connector wrote none of them (its CPU: ${share(high, 'odoo-connector')}% of a core). The load generator itself ran up to ${high.stagesMs.schedule.p99} ms (p99) behind its schedule, its event loop delayed up to ${high.benchLoopDelayMs.max} ms.`,
    );
  } else {
    const worst = (['gateway', 'sallaConnector', 'odooConnector'] as const).reduce((a, b) =>
      high.stagesMs[b].p50 > high.stagesMs[a].p50 ? b : a,
    );
    const names = {
      gateway: 'the gateway',
      sallaConnector: 'the salla-connector',
      odooConnector: 'the odoo-connector',
    };
    lines.push(
      `- **Where the time goes at ${high.rate}/s:** the largest stage is ${names[worst]} (${st(high.stagesMs[worst])}). Gateway sent → 200: ${st(high.stagesMs.gateway)}; salla-connector: ${st(high.stagesMs.sallaConnector)}; odoo-connector: ${st(high.stagesMs.odooConnector)}; the load generator was p99 ${high.stagesMs.schedule.p99} ms behind its schedule. (A slightly negative salla-connector time means the canonical event was out before the bench's busy event loop read the 200.)`,
    );
  }
  lines.push(
    `- **Intake.** The gateway accepted ${high.acceptedPerSecond.toFixed(0)} of ${high.rate} webhooks/s offered${intakeKeepsUp ? ' — it kept up' : ` — it fell behind: webhooks queued at the gateway, timed out at the poster (30 s) and were sent again, which adds to the queue; that shows in full in the latency (arrivals are open-loop)`}. Each webhook costs two FerretDB writes and an acks=all publish, every store's webhooks through the same gateway (the gateway section measures its intake alone, without the rest of the stack on the same cores).`,
  );
  if (ref) {
    // Per order: the stock poll's `stock.*` reads are time-driven (per store, every minute), not per order.
    const calls = Object.entries(ref.odooCallsPerOrder)
      .filter(([k]) => !k.startsWith('stock.'))
      .reduce((a, [, v]) => a + v, 0);
    const concurrent = Number(process.env.ODOO_MAX_CONCURRENT ?? 2);
    const orderMs = calls * ODOO_LATENCY_MS;
    const storeCeiling = (concurrent * 1000) / orderMs;
    const connectorCeiling = (Math.min(ORDER_SLOTS, stores * concurrent) * 1000) / orderMs;
    const perStoreRate = ref.rate / stores;
    const fastestStore = Math.max(...ref.perStore.map((x) => x.odooOrdersPerSecond));
    const odooKeepsUp = ref.odooOrdersPerSecond >= 0.95 * Math.min(ref.rate, ref.acceptedPerSecond);
    lines.push(
      `- **Each store's Odoo is not the limit with ${stores} stores.** An order costs ${calls.toFixed(1)} Odoo calls (${ref.rate}/s phase, the stock poll's \`stock.*\` reads left out), one after the other, and the odoo-connector keeps at most \`ODOO_MAX_CONCURRENT\` = ${concurrent} requests in flight per Odoo database: at ${ODOO_LATENCY_MS} ms per call one store could take ${concurrent} × 1000 / (${calls.toFixed(1)} × ${ODOO_LATENCY_MS}) ≈ ${f(storeCeiling)} orders/s. At ${ref.rate}/s each store received ${perStoreRate.toFixed(1)} orders/s${perStoreRate < storeCeiling ? `, ${f((100 * perStoreRate) / storeCeiling)}% of that` : ' — above it, so the per-store cap matters too'}; the fastest store's orders reached its Odoo at ${fastestStore} orders/s.`,
      `- **The odoo-connector works on at most ${ORDER_SLOTS} orders at a time, whatever the number of stores.** Its one consumer handles ${Math.min(PARTITIONS_CONCURRENT, ORDER_PARTITIONS)} of the order topic's ${ORDER_PARTITIONS} partitions at once (\`KAFKA_PARTITIONS_CONCURRENCY\`) and up to ${KEYS_CONCURRENT} orders (different keys) within each (\`KAFKA_KEY_CONCURRENCY\`), and each store's Odoo takes ${concurrent} requests at a time (\`ODOO_MAX_CONCURRENT\`; all databases together had at most ${ref.odooMaxInFlight} in flight, the per-store stock poll included). With zero overhead that caps one replica at min(${ORDER_SLOTS}, ${stores} × ${concurrent}) × 1000 / (${calls.toFixed(1)} × ${ODOO_LATENCY_MS}) ≈ ${f(connectorCeiling)} orders/s. Measured at ${ref.rate}/s: ${ref.odooOrdersPerSecond} orders/s written${odooKeepsUp ? ' — as fast as orders came in' : ` — below the ${f(Math.min(ref.rate, ref.acceptedPerSecond))}/s it was handed, so orders queued in Kafka and the latency grew with the queue for as long as the arrivals lasted`}. Besides its Odoo calls (${f(orderMs)} ms) each order makes the connector's Mongo round trips (binding-cache reads and writes for the order, its customer, products and carrier; the applied-version read and write) one after the other, in FerretDB.`,
    );
  }
  lines.push(
    `- **Machine.** The whole machine was ${machineBusy}% busy out of 200% during the ${high.rate}/s phase: gateway ${share(high, 'gateway')}%, salla-connector ${share(high, 'salla-connector')}%, odoo-connector ${share(high, 'odoo-connector')}%, this bench process ${share(high, 'bench process')}% (load generator, simulator and fake Odoo on one event loop: delay p99 ${high.benchLoopDelayMs.p99} ms), ${othersOf(high.cpu)}.${machineBusy >= 180 ? ` Every stage waits for the same 2 cores; the largest user was ${busiest(high.cpu)}.` : ''}${share(high, 'FerretDB') > 0 ? ` FerretDB (${share(high, 'FerretDB')}%) is one SQLite-backed server for every service's database and for anything else on the box: every stage that waits on Mongo waits on it.` : ''}`,
    ...capacity(phases),
    "- Absolute figures are this shared VM's at the time of the run (see the load average); the stage split and the ceilings are the portable part.",
  );
  return lines;
}
