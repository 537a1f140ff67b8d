// A webhook intake under load, in its own process (so autocannon does not share its event loop):
//   `gateway`: our gateway, booted in-process with runService like `main.ts` (telemetry first);
//   `baseline`: a bare node:http server doing the same HMAC check and acks=all idempotent kafkajs publish.
// Started by bench/gateway.ts with the environment it needs; answers IPC messages (see TargetCommand).
import 'reflect-metadata';

import { startTelemetry } from '@app/observability';

// As in apps/gateway/src/telemetry.ts: the SDK must patch http, kafkajs and mongoose before they load.
if (process.argv[2] === 'gateway') {
  startTelemetry({ serviceName: 'gateway', enabled: process.env.OTEL_ENABLED !== 'false' });
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type TargetCommand = 'profile-start' | 'profile-stop' | 'stop';

export type TargetMessage =
  | { type: 'ready'; url: string }
  | { type: 'profile'; stages: StageStats[]; cpu: CpuShare[]; cpuMs: number }
  | { type: 'error'; message: string };

export interface StageStats {
  stage: string;
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface CpuShare {
  where: string;
  ms: number;
}

interface Target {
  url: string;
  stop(): Promise<void>;
  /** Stage wrappers for the profile pass (only the gateway has stages). */
  instrument?(): Stages;
}

function send(message: TargetMessage): void {
  process.send?.(message);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// ---------- baseline ----------

async function startBaseline(): Promise<Target> {
  const { Kafka, logLevel, Partitioners, CompressionTypes } = await import('kafkajs');
  const secret = Buffer.from(env('SALLA_WEBHOOK_SECRET'), 'utf8');
  const topic = env('BENCH_BASELINE_TOPIC');
  const kafka = new Kafka({
    clientId: 'bench-baseline',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  // The producer settings of EventPublisher: idempotent, one request in flight, default partitioner.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const answer = (res: import('node:http').ServerResponse, status: number): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{}');
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers['x-salla-signature'] ?? ''), 'hex');
      const expected = createHmac('sha256', secret).update(body).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(res, 401);
      let key: string;
      try {
        key = String((JSON.parse(body.toString('utf8')) as { merchant: unknown }).merchant);
      } catch {
        return answer(res, 400);
      }
      producer
        .send({ topic, acks: -1, compression: CompressionTypes.None, messages: [{ key, value: body }] })
        .then(
          () => answer(res, 200),
          () => answer(res, 503),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await producer.disconnect();
    },
  };
}

// ---------- gateway ----------

class Stages {
  private readonly samples = new Map<string, number[]>();

  /** Replaces `obj[method]` (an own property shadowing the prototype's) with a timed wrapper. */
  wrap<T extends object>(stage: string, obj: T, method: keyof T & string): void {
    const original = (obj[method] as (...args: unknown[]) => Promise<unknown>).bind(obj);
    const list: number[] = [];
    this.samples.set(stage, list);
    Object.defineProperty(obj, method, {
      configurable: true,
      writable: true,
      value: async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await original(...args);
        } finally {
          list.push(performance.now() - t0);
        }
      },
    });
  }

  stats(): StageStats[] {
    return [...this.samples].map(([stage, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      return { stage, count: xs.length, meanMs: mean, p50Ms: at(0.5), p99Ms: at(0.99) };
    });
  }
}

async function startGateway(): Promise<Target> {
  const { runService } = await import('@app/bootstrap');
  const { GatewayService } = await import('../apps/gateway/src/gateway.service');
  const { WebhookIntakeUseCase } = await import('../apps/gateway/src/webhooks/intake.usecase');
  const { DeliveryClaimsRepository } =
    await import('../apps/gateway/src/webhooks/delivery-claims.repository');
  const { CryptoService } = await import('@app/crypto');
  const { EventPublisher } = await import('@app/messaging');
  const svc = await runService(GatewayService, { env: process.env });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${svc.url}/health/ready`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('gateway not ready within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: svc.url,
    async stop() {
      await svc.stop();
      const { shutdownTelemetry } = await import('@app/observability');
      await shutdownTelemetry();
    },
    instrument() {
      // Wall time of each stage of WebhookIntakeUseCase (includes waiting for the event loop under load).
      const stages = new Stages();
      const get = <T>(token: new (...args: never[]) => T): T => svc.app.get(token, { strict: false });
      stages.wrap('intake total (execute)', get(WebhookIntakeUseCase), 'execute');
      const claims = get(DeliveryClaimsRepository);
      stages.wrap('claim insert (Mongo)', claims, 'claim');
      stages.wrap('encrypt data (crypto)', get(CryptoService), 'encryptJson');
      stages.wrap('publish, acks=all (Kafka)', get(EventPublisher), 'publish');
      stages.wrap('mark published (Mongo)', claims, 'markPublished');
      return stages;
    },
  };
}

// ---------- CPU profile, summarised by where the code lives ----------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per package (node_modules/<pkg>), our code (apps/libs) or node internals; top entries. */
function summarise(profile: Profile): { cpu: CpuShare[]; cpuMs: number } {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    const name = node?.callFrame.functionName ?? '';
    if (name === '(idle)' || name === '(program)') return;
    const where = classify(node?.callFrame.url ?? '', name);
    totals.set(where, (totals.get(where) ?? 0) + us);
    busy += us;
  });
  const cpu = [...totals]
    .map(([where, us]) => ({ where, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 12);
  return { cpu, cpuMs: busy / 1000 };
}

function classify(url: string, functionName: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg.startsWith('@opentelemetry/') ? '@opentelemetry/*' : pkg;
  if (/\/(apps|libs)\//.test(url)) return 'our code (apps/, libs/)';
  if (url.startsWith('node:') || url === '') {
    return functionName === '(garbage collector)'
      ? 'garbage collector'
      : 'node core, native (crypto, http, …)';
  }
  return 'other';
}

// ---------- main ----------

async function main(): Promise<void> {
  const kind = process.argv[2];
  const target = kind === 'gateway' ? await startGateway() : await startBaseline();
  let stages: Stages | undefined;
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  process.on('message', (command: TargetCommand) => {
    void (async () => {
      if (command === 'profile-start') {
        stages = target.instrument?.();
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 500 });
        await post('Profiler.start');
      } else if (command === 'profile-stop') {
        const { profile } = await post<{ profile: Profile }>('Profiler.stop');
        send({ type: 'profile', stages: stages?.stats() ?? [], ...summarise(profile) });
      } else if (command === 'stop') {
        session.disconnect();
        await target.stop();
        process.disconnect();
      }
    })().catch((err: unknown) => send({ type: 'error', message: String(err) }));
  });
  send({ type: 'ready', url: target.url });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
