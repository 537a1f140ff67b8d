import { randomBytes, randomInt } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { runService, type RunningService } from '@app/bootstrap';
import {
  deadLetterTopicOf,
  type EventEnvelope,
  messageKeyOf,
  ODOO_API_KEY_AAD,
  type PayloadOf,
  Topic,
} from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { type FakeOdoo, type FakeOdooOptions, startFakeOdoo } from '@app/fake-odoo';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { integrationEnv, startGroupsAtTopicEnds, uniqueName, waitFor } from '@app/testing';

import { BindingCacheRepository } from '../../src/bindings/binding-cache.repository';
import { OdooConnectionsRepository } from '../../src/connections/odoo-connections.repository';
import { OdooConnectorService } from '../../src/odoo-connector.service';

export const uniqueStoreId = (): string => `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;

export interface Seen {
  topic: string;
  envelope: EventEnvelope<Record<string, unknown>>;
  headers: Record<string, string>;
}

const OBSERVED = [Topic.OpsSyncResult, Topic.StoreSyncReady, deadLetterTopicOf(Topic.CustomerUpserted)];

/** The odoo-connector in-process, an observer of what it publishes, and a publisher of canonical events. */
export class OdooSyncHarness {
  readonly seen: Seen[] = [];
  private constructor(
    readonly svc: RunningService,
    private readonly publisher: EventPublisher,
    private readonly observer: Consumer,
  ) {}

  static async start(): Promise<OdooSyncHarness> {
    const run = uniqueName('odoo-sync');
    const { kafkaBrokers, mongoUri } = integrationEnv();
    const env = {
      NODE_ENV: 'test',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_GROUP_ID: `${run}-odoo`,
      MONGODB_URI: mongoUri,
      MONGODB_DB: `${run}-odoo`.replace(/-/g, '_'),
      KEYRING_DB: `${run}-keyring`.replace(/-/g, '_'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
      OTEL_ENABLED: 'false',
      KAFKA_RETRY_BASE_MS: '50',
      ODOO_ALLOW_HOSTS: '127.0.0.1',
      ODOO_ALLOW_HTTP: 'true',
      ODOO_TIMEOUT_MS: '5000',
    };
    const kafka = new Kafka({ clientId: run, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    await startGroupsAtTopicEnds(kafkaBrokers, [env.KAFKA_GROUP_ID]);
    const svc = await runService(OdooConnectorService, { env });
    // Ready = Mongo, the key ring and Kafka connected: the harness seals keys with the service's crypto at once.
    await waitFor(async () => (await fetch(`${svc.url}/health/ready`)).status === 200, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: 'odoo-connector ready',
    });
    const publisher = new EventPublisher(kafka);
    const observer = kafka.consumer({ groupId: `${run}-observer` });
    const harness = new OdooSyncHarness(svc, publisher, observer);
    await observer.connect();
    // One admin client, disconnected after: a client per poll left sockets open that kept jest alive.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const topics = await admin.listTopics();
          return OBSERVED.every((t) => topics.includes(t));
        },
        { timeoutMs: 60_000, description: 'topics created' },
      );
      await observer.subscribe({ topics: OBSERVED, fromBeginning: false });
      await observer.run({
        partitionsConsumedConcurrently: 4,
        eachMessage: ({ topic, message }) => {
          if (!message.value) return Promise.resolve();
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v) headers[k] = v.toString();
          harness.seen.push({ topic, envelope: JSON.parse(message.value.toString()), headers });
          return Promise.resolve();
        },
      });
      await waitFor(
        async () => (await admin.describeGroups([`${run}-observer`])).groups[0]?.state === 'Stable' || null,
        { timeoutMs: 30_000, description: 'observer stable' },
      ).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
    return harness;
  }

  get crypto(): CryptoService {
    return this.svc.app.get(CryptoService);
  }

  /** The connector's local binding cache (Odoo's ir.model.data stays the source of truth). */
  bindingCache(): BindingCacheRepository {
    return this.svc.app.get(BindingCacheRepository);
  }

  connections(): OdooConnectionsRepository {
    return this.svc.app.get(OdooConnectionsRepository);
  }

  async send<T extends Topic>(topic: T, storeId: string, payload: PayloadOf<T>, key?: string): Promise<void> {
    await this.publisher.publish(topic, newEnvelope(topic, storeId, payload), {
      key: key ?? messageKeyOf(topic, storeId, payload),
    });
  }

  /** Publishes many events of one topic in one produce request (a backfill page). */
  async sendMany<T extends Topic>(
    topic: T,
    storeId: string,
    payloads: ReadonlyArray<PayloadOf<T>>,
  ): Promise<void> {
    await this.publisher.publishMany(
      topic,
      payloads.map((payload) => ({
        envelope: newEnvelope(topic, storeId, payload),
        key: messageKeyOf(topic, storeId, payload),
      })),
    );
  }

  /** Sends settings pointing at `url`, with the key sealed the way the Salla connector seals it. */
  async configure(
    storeId: string,
    url: string,
    apiKey: string,
    database = 'odoo',
    login = 'admin',
    more: { paymentJournals?: Array<{ methodCode: string; journalCode: string }> } = {},
  ): Promise<void> {
    const sealed = await this.crypto.encrypt(storeId, apiKey, ODOO_API_KEY_AAD);
    await this.send(Topic.StoreSettingsUpdated, storeId, {
      syncEnabled: true,
      odoo: { url, database, login, apiKey: sealed },
      ...more,
    });
  }

  /** `configure`, then waits until the connector has connected the store to it (its next sync-ready). */
  /**
   * What every sync spec starts with: a fake Odoo, the connector, and a store connected to the fake (its first
   * database unless `database` says otherwise).
   */
  static async startConnected(
    fakeOptions: FakeOdooOptions,
    database?: string,
  ): Promise<{ harness: OdooSyncHarness; fake: FakeOdoo; storeId: string }> {
    const fake = await startFakeOdoo(fakeOptions);
    const harness = await OdooSyncHarness.start();
    const storeId = uniqueStoreId();
    await harness.connect(storeId, fake.url, fake.apiKeys.admin, database ?? fake.databases[0]);
    return { harness, fake, storeId };
  }

  async connect(storeId: string, url: string, apiKey: string, database = 'odoo'): Promise<void> {
    const before = this.of(Topic.StoreSyncReady, storeId).length;
    await this.configure(storeId, url, apiKey, database);
    await waitFor(() => this.of(Topic.StoreSyncReady, storeId)[before] ?? null, {
      timeoutMs: 150_000,
      description: `store ${storeId} sync-ready on ${database}`,
    });
  }

  of(topic: string, storeId: string): Seen[] {
    return this.seen.filter((s) => s.topic === topic && s.envelope.storeId === storeId);
  }

  /**
   * Our service's lines for the store. Other suites' odoo-connectors on the shared broker (their own groups)
   * see our events too and log "not configured" for a store they do not know: those lines are not ours.
   */
  activity(storeId: string): Array<Record<string, unknown>> {
    return this.of(Topic.OpsSyncResult, storeId)
      .map((s) => s.envelope.payload)
      .filter(
        (line) =>
          line.service === 'odoo-connector' &&
          !String(line.message).startsWith('Odoo is not configured for this store yet'),
      );
  }

  waitActivity(
    storeId: string,
    match: (line: Record<string, unknown>) => boolean,
    description: string,
  ): Promise<Record<string, unknown>> {
    return waitFor(() => this.activity(storeId).find(match) ?? null, { timeoutMs: 150_000, description });
  }

  async stop(): Promise<void> {
    await this.observer.disconnect().catch(() => undefined);
    await this.publisher.close().catch(() => undefined);
    await this.svc.stop();
  }
}
