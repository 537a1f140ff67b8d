import { randomBytes } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { runService, type RunningService } from '@app/bootstrap';
import { type EventEnvelope, messageKeyOf, ODOO_API_KEY_AAD, type PayloadOf, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { integrationEnv, startGroupsAtTopicEnds, uniqueName, waitFor } from '@app/testing';

import { OdooConnectorService } from '../../src/odoo-connector.service';
import { type PollOutcome, SallaStockLedgerRepository, StockPoller } from '../../src/stock-sync';

const OBSERVED = [
  Topic.InventoryLevelSet,
  Topic.SalesOrderStatusSet,
  Topic.OpsSyncResult,
  Topic.StoreSyncReady,
];

export interface Seen {
  topic: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

/**
 * The odoo-connector in-process with its stock poll switched off (tests poll a store on demand), an observer
 * of what it publishes, and a publisher for what Salla would send. Every consumer group starts at the topic
 * ends: the shared broker's backlog of other suites never stands in front of this run's messages.
 */
export class StockSyncHarness {
  readonly seen: Seen[] = [];
  private readonly consumed = new Map<string, number>();
  private startEnds = new Map<string, number>();

  private constructor(
    private svc: RunningService,
    private readonly env: Record<string, string>,
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly observer: Consumer,
  ) {}

  static async start(): Promise<StockSyncHarness> {
    const run = uniqueName('stock-sync');
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
      ODOO_STOCK_POLL_INTERVAL_MS: '0',
    };
    const kafka = new Kafka({ clientId: run, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    await startGroupsAtTopicEnds(kafkaBrokers, [env.KAFKA_GROUP_ID]);
    const svc = await whenReady(await runService(OdooConnectorService, { env }));
    const observer = kafka.consumer({ groupId: `${run}-observer` });
    const harness = new StockSyncHarness(svc, env, kafka, new EventPublisher(kafka), observer);
    await harness.observe(`${run}-observer`);
    return harness;
  }

  get poller(): StockPoller {
    return this.svc.app.get(StockPoller);
  }

  poll(storeId: string): Promise<PollOutcome> {
    return this.poller.pollStore(storeId);
  }

  ledger(): SallaStockLedgerRepository {
    return this.svc.app.get(SallaStockLedgerRepository);
  }

  /** A new instance of the service on the same database and consumer group (a deploy, a crash and restart). */
  async restart(): Promise<void> {
    await this.svc.stop();
    this.svc = await whenReady(await runService(OdooConnectorService, { env: this.env }));
  }

  async send<T extends Topic>(topic: T, storeId: string, payload: PayloadOf<T>): Promise<void> {
    await this.publisher.publish(topic, newEnvelope(topic, storeId, payload), {
      key: messageKeyOf(topic, storeId, payload),
    });
  }

  /**
   * Sends Odoo settings for the store (with the merchant's stock location when given), the key sealed as the
   * Salla connector seals it, and waits until ready.
   */
  async connect(storeId: string, url: string, apiKey: string, stockLocationId?: string): Promise<void> {
    const sealed = await this.svc.app.get(CryptoService).encrypt(storeId, apiKey, ODOO_API_KEY_AAD);
    const readyBefore = this.of(Topic.StoreSyncReady, storeId).length;
    await this.send(Topic.StoreSettingsUpdated, storeId, {
      syncEnabled: true,
      odoo: {
        url,
        database: 'odoo',
        login: 'admin',
        apiKey: sealed,
        ...(stockLocationId ? { stockLocationId } : {}),
      },
    });
    await waitFor(() => this.of(Topic.StoreSyncReady, storeId)[readyBefore] ?? null, {
      timeoutMs: 120_000,
      description: 'store sync-ready',
    });
  }

  of(topic: string, storeId: string): Seen[] {
    return this.seen.filter((s) => s.topic === topic && s.envelope.storeId === storeId);
  }

  payloads(topic: string, storeId: string): Array<Record<string, unknown>> {
    return this.of(topic, storeId).map((s) => s.envelope.payload);
  }

  /** Waits until the observer has read everything published to the observed topics so far. */
  async settle(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map<string, number>();
    try {
      for (const topic of OBSERVED) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          ends.set(`${topic}:${partition}`, Number(high));
        }
      }
    } finally {
      await admin.disconnect();
    }
    await waitFor(
      () =>
        [...ends].every(
          ([key, high]) =>
            high <= (this.startEnds.get(key) ?? 0) || (this.consumed.get(key) ?? -1) >= high - 1,
        ),
      { timeoutMs: 60_000, description: 'observer caught up' },
    );
  }

  async stop(): Promise<void> {
    await this.observer.disconnect().catch(() => undefined);
    await this.publisher.close().catch(() => undefined);
    await this.svc.stop();
  }

  private async observe(groupId: string): Promise<void> {
    await this.observer.connect();
    const joined = new Promise((resolve) => this.observer.on(this.observer.events.GROUP_JOIN, resolve));
    await this.observer.subscribe({ topics: OBSERVED, fromBeginning: false });
    await this.observer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: ({ topic, partition, message }) => {
        this.consumed.set(`${topic}:${partition}`, Number(message.offset));
        if (message.value) this.seen.push({ topic, envelope: JSON.parse(message.value.toString()) });
        return Promise.resolve();
      },
    });
    await joined;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Where the observer starts (the ends now): partitions that stay there have nothing for it to read.
      for (const topic of OBSERVED) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          this.startEnds.set(`${topic}:${partition}`, Number(high));
        }
      }
      await waitFor(
        async () => (await admin.describeGroups([groupId])).groups[0]?.state === 'Stable' || null,
        { timeoutMs: 30_000, description: 'observer stable' },
      );
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * Resolves once the service answers ready (Mongo, the key ring and Kafka connected): the harness seals keys
 * with its CryptoService right away, which fails while the key ring's connection is still opening.
 */
async function whenReady(svc: RunningService): Promise<RunningService> {
  await waitFor(async () => (await fetch(`${svc.url}/health/ready`)).status === 200, {
    timeoutMs: 120_000,
    intervalMs: 200,
    description: 'odoo-connector ready',
  });
  return svc;
}
