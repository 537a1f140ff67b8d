// What the end-to-end benches (order-latency, backfill) share: the loopback infra check, per-process CPU
// accounting, percentiles, env knobs and cleanup of a ServiceStack run's databases and consumer groups.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';

import { Topic } from '@app/contracts';

import type { ServiceStack } from '../test/e2e-observe/service-stack';

/** ServiceStack reads KAFKA_BROKERS / MONGODB_URI itself; the benches only refuse anything but loopback. */
export function loopbackInfra(): { brokers: string; mongoUri: string } {
  const brokers = process.env.KAFKA_BROKERS;
  const mongoUri = process.env.MONGODB_URI;
  if (!brokers || !/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/.test(brokers))
    throw new Error('KAFKA_BROKERS must name loopback brokers (e.g. 127.0.0.1:39092); `npm run infra:up`');
  if (!mongoUri || !/^mongodb:\/\/127\.0\.0\.1[:/]/.test(mongoUri))
    throw new Error(
      'MONGODB_URI must point at a loopback MongoDB-wire server (e.g. mongodb://127.0.0.1:37017)',
    );
  return { brokers, mongoUri };
}

export function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** The value at quantile `q` (0..1) of ascending `sorted`, nearest-rank; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export interface Spread {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(quantile(sorted, q));
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the `(comm)` one: state is 3rd, utime the 14th, stime the 15th of the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of the whole machine (all cores), from /proc/stat, in seconds. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * The shared infrastructure's processes on this machine, found by their command line: FerretDB and the Kafka
 * broker (JVM). Lets the CPU table tell them apart from other people's work on the box.
 */
function infraPids(): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // gone meanwhile
    }
    if (/(^|\/)ferretdb /.test(cmd)) found.set('FerretDB', Number(entry));
    else if (cmd.includes('kafka.Kafka')) found.set('Kafka broker', Number(entry));
  }
  return found;
}

export interface CpuShare {
  who: string;
  /** Share of one core over the interval, in percent. */
  corePct: number;
  /** CPU time used over the interval, ms (for CPU per order: divide by the orders done). */
  cpuMs?: number;
}

/**
 * Who used the CPU between `start()` and `stop()`: each service process, this bench process (load generator,
 * Salla simulator, fake Odoo), and the machine as a whole — the remainder is Kafka, FerretDB and anything else
 * running on the box (other people's tests).
 */
export class CpuMeter {
  private startedAt = 0;
  private before = new Map<string, number>();
  private machineBefore = { busy: 0, total: 0 };
  private readonly infra = infraPids();

  constructor(private readonly stack: ServiceStack) {}

  start(): void {
    this.startedAt = performance.now();
    this.before = this.sample();
    this.machineBefore = machineCpu();
  }

  stop(): CpuShare[] {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const after = this.sample();
    const machine = machineCpu();
    const rows: CpuShare[] = [...after].map(([who, s]) => {
      const used = s - (this.before.get(who) ?? 0);
      return { who, corePct: Math.round((100 * used) / seconds), cpuMs: Math.round(1000 * used) };
    });
    const mine = rows.reduce((a, r) => a + r.corePct, 0);
    const mineMs = rows.reduce((a, r) => a + (r.cpuMs ?? 0), 0);
    const busySeconds = machine.busy - this.machineBefore.busy;
    const busyPct = Math.round((100 * busySeconds) / seconds);
    rows.push({
      who:
        this.infra.size > 0
          ? 'everything else on the machine (other tests, the kernel)'
          : 'Kafka, FerretDB and everything else on the machine',
      corePct: Math.max(0, busyPct - mine),
      cpuMs: Math.max(0, Math.round(1000 * busySeconds) - mineMs),
    });
    rows.push({
      who: `whole machine (${os.availableParallelism()} cores = ${100 * os.availableParallelism()}%)`,
      corePct: busyPct,
      cpuMs: Math.round(1000 * busySeconds),
    });
    return rows;
  }

  private sample(): Map<string, number> {
    const m = new Map<string, number>();
    for (const i of this.stack.instances) m.set(i.name, cpuSecondsOf(i.proc.child.pid ?? -1));
    const self = process.cpuUsage();
    m.set('bench process (load, Salla simulator, fake Odoo)', (self.user + self.system) / 1e6);
    for (const [who, pid] of this.infra) m.set(who, cpuSecondsOf(pid));
    return m;
  }
}

/** The CPU rows that are not ours: FerretDB and Kafka when found by pid, then the remainder. */
export function othersOf(cpu: readonly CpuShare[]): string {
  const rows = cpu.filter(
    (c) => c.who === 'FerretDB' || c.who === 'Kafka broker' || c.who.includes('everything else'),
  );
  return rows.map((c) => `${c.who.replace(/ on the machine.*$/, '')} ${c.corePct}%`).join(', ');
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

/**
 * Commands the Mongo-wire server has served since it started, by name (`serverStatus.metrics.commands`, which
 * FerretDB and MongoDB both report; else MongoDB's `opcounters`). Server-wide: meaningful while nothing else
 * uses the server.
 */
export async function mongoCommandCounts(mongoUri: string): Promise<Map<string, number>> {
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  try {
    const status = (await conn.db!.admin().command({ serverStatus: 1 })) as {
      metrics?: { commands?: Record<string, { total?: number } | number> };
      opcounters?: Record<string, number>;
    };
    const counts = new Map<string, number>();
    const ferret = status.metrics?.commands;
    if (ferret) {
      for (const [name, v] of Object.entries(ferret))
        if (typeof v === 'object' && v !== null && v.total !== undefined) counts.set(name, Number(v.total));
    } else if (status.opcounters) {
      for (const [name, n] of Object.entries(status.opcounters)) counts.set(name, Number(n));
    }
    return counts;
  } finally {
    await conn.close();
  }
}

/** Drops the run's databases and consumer groups (ServiceStack.stop leaves them); best effort. */
export async function cleanUpRun(stack: ServiceStack, brokers: string, mongoUri: string): Promise<void> {
  const apps = ['gateway', 'salla-connector', 'odoo-connector', 'privacy-service'] as const;
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  try {
    for (const name of [...apps.map((a) => stack.databaseOf(a)), stack.databaseOf('keyring')])
      await conn.useDb(name).dropDatabase();
  } finally {
    await conn.close();
  }
  const kafka = new Kafka({
    clientId: `${stack.run}-cleanup`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(stack.run));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * CreateTime of each store's `store.sync-ready` event (the moment its Odoo counts as connected and its backfill
 * may start), read by one consumer group for all of them: a group per store would join once per store.
 */
export async function syncReadyTimes(
  brokers: string,
  groupId: string,
  storeIds: ReadonlySet<string>,
  timeoutMs = 180_000,
): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: groupId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId });
  const at = new Map<string, number>();
  try {
    await consumer.connect();
    // From the beginning: an announcement may already be there; the topic is small.
    await consumer.subscribe({ topics: [Topic.StoreSyncReady], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as { storeId?: string };
        const id = envelope.storeId;
        if (id !== undefined && storeIds.has(id) && !at.has(id)) at.set(id, Number(message.timestamp));
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (at.size < storeIds.size) {
      if (Date.now() > deadline)
        throw new Error(`store.sync-ready of ${at.size} of ${storeIds.size} stores within ${timeoutMs} ms`);
      await sleep(100);
    }
    return at;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
