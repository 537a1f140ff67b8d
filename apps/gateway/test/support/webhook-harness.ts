import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import type { Model } from 'mongoose';

import { runService, type RunningService } from '@app/bootstrap';
import { type EventEnvelope, sallaWebhookDataAad, type SallaWebhookReceived, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { getModelToken } from '@app/persistence';
import { startGroupsAtTopicEnds, waitFor } from '@app/testing';

import { GatewayService } from '../../src/gateway.service';
import { DELIVERY_CLAIM_MODEL, type DeliveryClaim } from '../../src/webhooks/delivery-claim.schema';
import { sallaSignature } from '../../src/webhooks/verify-signature';

const REPO = path.resolve(__dirname, '../../../..');
/** Salla's sample bodies; CI runs with a copy of `shared/` beside the clone. */
export const FIXTURES_DIR = path.resolve(REPO, '../shared/fixtures/salla/webhooks');

export interface Fixture {
  name: string;
  bytes: Buffer;
  body: { event: string; merchant: unknown; created_at: string; data: Record<string, unknown> };
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(FIXTURES_DIR, name));
      return { name, bytes, body: JSON.parse(bytes.toString('utf8')) as Fixture['body'] };
    });
}

/** A 15-digit store id nobody else uses, so reruns against a shared broker and database never collide. */
export function uniqueMerchant(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
}

/**
 * The fixture's exact bytes with only the top-level `merchant` value replaced (a number stays a number, a
 * string a string), so every run sends bodies of its own while everything else stays as Salla wrote it.
 */
export function withMerchant(bytes: Buffer, merchant: string): Buffer {
  const text = bytes.toString('utf8');
  const rewritten = text.replace(/"merchant":\s*("?)[^",}\s]*\1/, (_match, quote: string) =>
    quote ? `"merchant": "${merchant}"` : `"merchant": ${merchant}`,
  );
  const parsed = JSON.parse(rewritten) as { merchant: unknown };
  if (String(parsed.merchant) !== merchant) throw new Error('top-level merchant was not rewritten');
  return Buffer.from(rewritten, 'utf8');
}

export function signedHeaders(body: Buffer, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-salla-security-strategy': 'Signature',
    'x-salla-signature': sallaSignature(body, secret),
  };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

export async function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<HttpAnswer> {
  const res = await fetch(`${url}/webhooks/salla`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, json, text };
}

export interface GatewayOptions {
  run: string;
  kafkaBrokers: string[];
  mongoUri: string;
  secret: string;
  masterKey: string;
  /** Share one database (claims) between instances. */
  dbName?: string;
  extraEnv?: Record<string, string>;
}

export async function bootGateway(o: GatewayOptions): Promise<RunningService> {
  const db = (o.dbName ?? `${o.run}-gateway`).replace(/-/g, '_');
  return runService(GatewayService, {
    env: {
      NODE_ENV: 'test',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: o.kafkaBrokers.join(','),
      KAFKA_GROUP_ID: `${o.run}-gateway`,
      MONGODB_URI: o.mongoUri,
      MONGODB_DB: db,
      KEYRING_DB: `${db}_keyring`,
      MASTER_KEY: o.masterKey,
      SALLA_WEBHOOK_SECRET: o.secret,
      LOG_LEVEL: 'debug',
      OTEL_ENABLED: 'false',
      KAFKA_RETRY_BASE_MS: '50',
      ...o.extraEnv,
    },
  });
}

/** On timeout the error carries the last readiness answer, which names the dependency that was down and why. */
export async function waitUntilReady(svc: RunningService): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${svc.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return true;
      throw new Error(`${res.status} ${(await res.text()).slice(0, 1000)}`);
    },
    { timeoutMs: 60_000, description: 'gateway ready' },
  );
}

export function claimsModel(svc: RunningService): Model<DeliveryClaim> {
  return svc.app.get<Model<DeliveryClaim>>(getModelToken(DELIVERY_CLAIM_MODEL));
}

export interface IntakeMessage {
  key: string;
  headers: Record<string, string>;
  value: EventEnvelope<SallaWebhookReceived>;
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

/**
 * Reads `salla.webhook.received.v1` from where it ends when the reader starts (not the shared broker's whole
 * backlog) and keeps the messages of the stores it watches.
 */
export class IntakeTopicReader {
  private readonly consumer: Consumer;
  private readonly watched = new Set<string>();
  private readonly messages: IntakeMessage[] = [];

  constructor(
    private readonly kafkaBrokers: string[],
    private readonly groupId: string,
  ) {
    const kafka = new Kafka({ clientId: groupId, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId });
  }

  async start(): Promise<void> {
    await startGroupsAtTopicEnds(this.kafkaBrokers, [this.groupId]);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: Topic.SallaWebhookReceived, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const headers = decodeHeaders(message.headers);
        const storeId = headers['x-store-id'];
        if (storeId !== undefined && this.watched.has(storeId)) {
          this.messages.push({
            key: message.key?.toString() ?? '',
            headers,
            value: JSON.parse(message.value!.toString()) as EventEnvelope<SallaWebhookReceived>,
          });
        }
        return Promise.resolve();
      },
    });
  }

  watch(storeId: string): string {
    this.watched.add(storeId);
    return storeId;
  }

  of(storeId: string): IntakeMessage[] {
    return this.messages.filter((m) => m.headers['x-store-id'] === storeId);
  }

  async waitFor(storeId: string, count = 1, timeoutMs = 30_000): Promise<IntakeMessage[]> {
    return waitFor(() => (this.of(storeId).length >= count ? this.of(storeId) : null), {
      timeoutMs,
      description: `${count} intake message(s) for store ${storeId}`,
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Opens a message's sealed `data` with the gateway's crypto (the shared keyring). */
export function openData(svc: RunningService, message: IntakeMessage): Promise<unknown> {
  const { payload, storeId } = message.value;
  return svc.app
    .get(CryptoService)
    .decryptJson(storeId, payload.data, sallaWebhookDataAad(payload.bodySha256));
}

/** Everything the process writes to stdout/stderr while `start()`ed (the JSON logs), for "nothing leaked" checks. */
export class CapturedOutput {
  readonly lines: string[] = [];
  private restore: Array<() => void> = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        this.lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      });
      this.restore.push(() => spy.mockRestore());
    }
  }

  stop(): void {
    for (const undo of this.restore) undo();
    this.restore = [];
  }

  get text(): string {
    return this.lines.join('');
  }
}

/** Sleeps long enough for a message that was (wrongly) published to show up before asserting there is none. */
export const settle = (ms = 1500): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
