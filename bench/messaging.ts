// `npm run bench` (or `npm run bench -- messaging`): messaging throughput/latency against one broker, in one
// process; prints a table and rewrites the messaging section of BENCHMARKS.md. Kafka: KAFKA_BROKERS if set, else `node scripts/infra/cli.mjs up` (and `down` afterwards if
// this run started it). Knobs: BENCH_MESSAGES (default 20000), BENCH_LATENCY_SECONDS (default 10, 0 = skip).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { Bench, PARTITIONS_IN_PARALLEL, type Latency, type Throughput } from './cases';
import { machine, ROOT, writeSection } from './report';

const CLI = join(ROOT, 'scripts', 'infra', 'cli.mjs');
const RUNS = 3;
const PUBLISH_BUDGET_MS = 5_000;
const LATENCY_RATE = 500;
const WARMUP = 2_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** Like `npm run stack`: the environment's brokers, or the repo's infra (started here only if it was down). */
export function kafkaBrokers(): { brokers: string[]; startedHere: boolean } {
  let list = process.env.KAFKA_BROKERS;
  let startedHere = false;
  if (!list) {
    startedHere = spawnSync(process.execPath, [CLI, 'status'], { cwd: ROOT, stdio: 'ignore' }).status !== 0;
    console.log(startedHere ? 'starting Kafka (scripts/infra/cli.mjs up)…' : 'using the running infra');
    const up = spawnSync(process.execPath, [CLI, 'up'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    list = /^KAFKA_BROKERS=(\S+)$/m.exec(up.stdout ?? '')?.[1];
    if (up.status !== 0 || !list) throw new Error(`infra up failed (exit ${up.status}):\n${up.stdout}`);
  }
  const brokers = list.split(',').map((b) => b.trim());
  const remote = brokers.filter((b) => !LOOPBACK.has(b.slice(0, b.lastIndexOf(':'))));
  if (remote.length > 0) throw new Error(`the bench only targets loopback brokers, not ${remote.join(', ')}`);
  return { brokers, startedHere };
}

export function infraDown(): void {
  console.log('stopping the infra this run started (scripts/infra/cli.mjs down)…');
  spawnSync(process.execPath, [CLI, 'down'], { cwd: ROOT, stdio: 'inherit' });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => x.toFixed(1);

interface Row {
  label: string;
  runs: Throughput[];
  baseline?: Row;
}

function rate(row: Row): number {
  return median(row.runs.map((r) => r.perSecond));
}

function ratio(row: Row): string {
  if (!row.baseline) return '1 (baseline)';
  const r = rate(row) / rate(row.baseline);
  return r >= 0.9 ? `${r.toFixed(2)}×` : `${r.toFixed(3)}× (${(1 / r).toFixed(1)}× slower)`;
}

function table(rows: Row[]): string {
  const lines = [
    `| case | messages per run | msg/s, median of ${RUNS} | runs (min – max) | vs baseline |`,
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const rates = row.runs.map((r) => r.perSecond);
    const n = median(row.runs.map((r) => r.messages));
    lines.push(
      `| ${row.label} | ${fmt(n)} | **${fmt(rate(row))}** | ${fmt(Math.min(...rates))} – ${fmt(Math.max(...rates))} | ${ratio(row)} |`,
    );
  }
  return lines.join('\n');
}

function command(): string {
  const vars = ['KAFKA_BROKERS', 'BENCH_MESSAGES', 'BENCH_LATENCY_SECONDS']
    .filter((v) => process.env[v])
    .map((v) => `${v}=${process.env[v]}`);
  return [...vars, 'npm run bench'].join(' ');
}

export async function runMessagingBench(): Promise<void> {
  const n = intEnv('BENCH_MESSAGES', 20_000, 100, 100_000);
  const latencySeconds = intEnv('BENCH_LATENCY_SECONDS', 10, 0, 30);
  const { brokers, startedHere } = kafkaBrokers();
  if (startedHere) process.once('SIGINT', () => (infraDown(), process.exit(130)));
  const bench = new Bench(brokers, PUBLISH_BUDGET_MS);
  const started = new Date();
  try {
    await bench.open();
    const info = await bench.brokerInfo();
    const replication = Math.min(3, info.brokers); // what ensureTopics picks
    const kafka = `${brokers.join(',')} (loopback), ${info.brokers} broker(s), inter.broker.protocol.version ${info.protocol}; topics: 6 partitions, replication ${replication}`;
    console.log(`bench: ${n} messages per run, ${RUNS} runs per case, Kafka at ${brokers.join(',')}`);

    const row = (label: string, baseline?: Row): Row => ({ label, runs: [], baseline });
    const consumeBase = row('1a. consume: kafkajs `eachMessage`, autoCommit, JSON.parse');
    const consumeCommit = row(
      '1b. consume: kafkajs `eachMessage`, `commitOffsets` per message, JSON.parse',
      consumeBase,
    );
    const consumeOurs = row(
      '2. consume: `ReliableConsumer` (validation, commit per message), no-op handler',
      consumeBase,
    );
    const pubBase = row('3a. publish: kafkajs `producer.send`, batches of 100, acks=-1');
    const pubSeq = row('3b. publish: `EventPublisher.publish`, sequential', pubBase);
    const pubConc = row('3c. publish: `EventPublisher.publish`, 100 in flight', pubBase);
    const pubRaw = row('3d. publish: `EventPublisher.publishRaw`, batches of 100', pubBase);
    const cases: Array<[Row, (n: number) => Promise<Throughput>]> = [
      [consumeBase, (k) => bench.consumePlain(k, false)],
      [consumeCommit, (k) => bench.consumePlain(k, true)],
      [consumeOurs, (k) => bench.consumeReliable(k)],
      [pubBase, (k) => bench.publishBaseline(k)],
      [pubSeq, (k) => bench.publishEvents(k, 1)],
      [pubConc, (k) => bench.publishEvents(k, 100)],
      [pubRaw, (k) => bench.publishRawBatches(k)],
    ];
    console.log(`  warm-up (every case once with ${Math.min(n, WARMUP)} messages, not reported)`);
    for (const [, measure] of cases) await measure(Math.min(n, WARMUP));
    // Interleaved (run 1 of every case, then run 2, ...) so drift on a shared machine hits all cases alike.
    for (let run = 1; run <= RUNS; run += 1) {
      for (const [row, measure] of cases) {
        const result = await measure(n);
        row.runs.push(result);
        console.log(
          `  run ${run} ${row.label}: ${fmt(result.perSecond)} msg/s (${result.messages} in ${ms(result.ms)} ms)`,
        );
      }
    }
    const latency: Latency[] = [];
    for (let run = 1; run <= (latencySeconds > 0 ? RUNS : 0); run += 1) {
      const l = await bench.latency(LATENCY_RATE, latencySeconds);
      latency.push(l);
      console.log(`  run ${run} latency: p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms`);
    }
    const rows = [consumeBase, consumeCommit, consumeOurs, pubBase, pubSeq, pubConc, pubRaw];
    console.log(`\n${table(rows)}\n`);
    if (latency.length > 0) console.log(`${latencyTable(latency, latencySeconds)}\n`);
    await writeSection(
      'messaging',
      markdown({ n, latencySeconds, kafka, replication, started, rows, latency }),
    );
    console.log('wrote the messaging section of BENCHMARKS.md');
  } finally {
    await bench.close();
    if (startedHere) infraDown();
  }
}

function latencyTable(runs: Latency[], seconds: number): string {
  const med = (f: (l: Latency) => number): string => ms(median(runs.map(f)));
  const p99s = runs.map((l) => l.p99);
  return [
    `| end-to-end latency, ${LATENCY_RATE} msg/s for ${seconds} s | messages per run | p50, median of ${runs.length} | p99, median of ${runs.length} | p99 runs (min – max) | max of all |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| 4. \`EventPublisher.publish\` → \`ReliableConsumer\` handler | ${fmt(runs[0].messages)} | ${med((l) => l.p50)} ms | ${med((l) => l.p99)} ms | ${ms(Math.min(...p99s))} – ${ms(Math.max(...p99s))} ms | ${ms(Math.max(...runs.map((l) => l.max)))} ms |`,
  ].join('\n');
}

function markdown(r: {
  n: number;
  latencySeconds: number;
  kafka: string;
  replication: number;
  started: Date;
  rows: Row[];
  latency: Latency[];
}): string {
  const [consumeBase, consumeCommit, consumeOurs, pubBase, pubSeq, pubConc, pubRaw] = r.rows;
  const ours = rate(consumeOurs);
  // Extra wall-clock time per message over the autoCommit baseline (all partitions together).
  const extraUs = (row: Row): number => 1e6 / rate(row) - 1e6 / rate(consumeBase);
  const commitShare = (100 * extraUs(consumeCommit)) / extraUs(consumeOurs);
  // Rows 1b and 2 within ~10% of each other: the rest of our per-message work is lost in the noise.
  const commitIsAll = rate(consumeOurs) / rate(consumeCommit) >= 0.9;
  // The same cost as each partition sees it: its messages are handled one at a time.
  const perPartitionMs = (PARTITIONS_IN_PARALLEL * extraUs(consumeOurs)) / 1000;
  const times = (a: Row, b: Row): string => (rate(a) / rate(b)).toFixed(1);
  const p = (f: (l: Latency) => number): string => ms(median(r.latency.map(f)));
  return [
    '## Messaging',
    '',
    'Messaging cost of `@app/messaging` against plain kafkajs, measured in one process against one broker. Every',
    'run uses a fresh topic (6 partitions) and consumer group; the topics are deleted afterwards. Ratios matter more',
    'than absolute numbers: this is a small shared VM with the broker on loopback. Not a test — nothing asserts on',
    'these numbers. Regenerate with the command below (it rewrites this section).',
    '',
    `- Date: ${r.started.toISOString()}`,
    `- Command: \`${command()}\` (code in \`bench/\`)`,
    ...machine(r.kafka),
    `- ${fmt(r.n)} messages per run (publish runs stop starting new sends after ${PUBLISH_BUDGET_MS / 1000} s); every case run once with ${fmt(Math.min(r.n, WARMUP))} messages as an unreported warm-up, then ${RUNS} times, interleaved; the median is reported`,
    `- Consumers: ${PARTITIONS_IN_PARALLEL} partitions consumed concurrently (\`ReliableConsumer\`'s default, set on the kafkajs ones too) and a 1 s`,
    '  fetch wait; rate = first to last message handled, the topic is filled before the consumer starts. Messages:',
    '  JSON envelopes (~200 bytes), keyed by 60 store ids.',
    '',
    table(r.rows),
    ...(r.latency.length > 0 ? ['', latencyTable(r.latency, r.latencySeconds)] : []),
    '',
    '### What it says',
    '',
    `- \`ReliableConsumer\` handles ${fmt(ours)} msg/s, ${times(consumeBase, consumeOurs)}× fewer than kafkajs with autoCommit (${fmt(rate(consumeBase))}): ~${Math.round(extraUs(consumeOurs))} µs more per message. ${commitIsAll ? `Plain kafkajs committing after every message (row 1b, ${fmt(rate(consumeCommit))} msg/s) is no faster: the commit round trip is essentially the whole cost, and validation, the tracing span, heartbeats and the store context do not show.` : `Committing after every message accounts for ~${Math.round(commitShare)}% of that (row 1b, ${times(consumeBase, consumeCommit)}× below autoCommit); validation, the tracing span, heartbeats and the store context are the rest.`}`,
    `- One awaited \`publish\` at a time reaches ${fmt(rate(pubSeq))} msg/s, ${times(pubBase, pubSeq)}× below batched kafkajs. 100 concurrent \`publish\` calls only reach ${fmt(rate(pubConc))}: kafkajs holds a per-broker lock around every produce request of an idempotent producer, and each \`publish\` is its own request. \`publishRaw\` with 100 messages per call reaches ${fmt(rate(pubRaw))} msg/s (${(rate(pubRaw) / rate(pubBase)).toFixed(2)}× plain kafkajs batches, so idempotence itself costs little) — batching, not concurrency, is what buys publish throughput.`,
    `- Salla allows 120–720 requests/min per store: one request every 83–500 ms. Each partition's messages are handled one at a time, and our per-message work costs a partition ~${perPartitionMs.toFixed(2)} ms per message (${PARTITIONS_IN_PARALLEL} partitions in parallel) — ${((100 * perPartitionMs) / 83).toFixed(1)}% of even the tightest per-store budget. If every event cost one Salla request, the messaging layer alone could carry ~${fmt(ours / 12)} stores syncing at the top limit per consumer process; sync throughput is bounded by the handlers' HTTP calls and Salla's per-store limits, not by per-message commits (a handler waiting 200 ms on HTTP caps its partition at 5 msg/s; the commit adds ~${perPartitionMs.toFixed(2)} ms to those 200).`,
    ...(r.latency.length > 0
      ? [
          `- At ${LATENCY_RATE} msg/s an event reaches its handler ${p((l) => l.p50)} ms (p50) / ${p((l) => l.p99)} ms (p99) after it was due to be published (publish + fetch + validation; measured from the schedule, so a lagging publisher would show). The tail moves a lot between runs on this shared 2-core VM, where the broker's JVM shares the cores: read p99 as an order of magnitude.`,
        ]
      : []),
    ...(r.replication === 1
      ? [
          '- Replication is 1 here, so `acks=-1` and offset commits wait for one replica only; on a 3-broker cluster both also wait for followers, so expect the per-message rows (1b, 2, 3b, 3c) to fall further behind the batched ones there.',
        ]
      : []),
    '',
  ].join('\n');
}
