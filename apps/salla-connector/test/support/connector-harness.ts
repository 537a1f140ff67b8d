import { createHash, randomBytes, randomInt } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { runService, type RunningService } from '@app/bootstrap';
import {
  type EventEnvelope,
  messageKeyOf,
  sallaWebhookDataAad,
  type SallaWebhookReceived,
  Topic,
} from '@app/contracts';
import { CryptoService, loadMasterKey, registerKeyringModel } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { type SallaSimulator, startSallaSimulator } from '@app/salla-simulator';
import { MongoConnection } from '@app/persistence';
import {
  freePort,
  integrationEnv,
  type ServiceProcess,
  spawnService,
  uniqueName,
  waitFor,
} from '@app/testing';

import { SallaConnectorService } from '../../src/salla-connector.service';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A store id nobody else uses, so reruns against a shared broker and database never collide. */
export function uniqueStoreId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
}

/** What the harness collects: every event of the watched topics for the stores of this test file. */
export class EventLog {
  private readonly events: Array<{
    topic: string;
    envelope: EventEnvelope<Record<string, unknown>>;
    at: number;
  }> = [];

  constructor(private readonly stores: Set<string>) {}

  add(topic: string, envelope: EventEnvelope<Record<string, unknown>>): void {
    if (this.stores.has(envelope.storeId)) this.events.push({ topic, envelope, at: Date.now() });
  }

  of(topic: string, storeId: string): Array<EventEnvelope<Record<string, unknown>>> {
    return this.events
      .filter((e) => e.topic === topic && e.envelope.storeId === storeId)
      .map((e) => e.envelope);
  }

  /** When the first event of `topic` for `storeId` matching `match` arrived (ms since epoch), if it has. */
  arrivedAt(
    topic: string,
    storeId: string,
    match: (e: EventEnvelope<Record<string, unknown>>) => boolean,
  ): number | null {
    return (
      this.events.find((e) => e.topic === topic && e.envelope.storeId === storeId && match(e.envelope))?.at ??
      null
    );
  }

  async waitFor(
    topic: string,
    storeId: string,
    count = 1,
    timeoutMs = 30_000,
  ): Promise<Array<EventEnvelope<Record<string, unknown>>>> {
    return waitFor(
      async () => {
        const found = this.of(topic, storeId);
        return Promise.resolve(found.length >= count ? found : null);
      },
      { timeoutMs, intervalMs: 100, description: `${count} × ${topic} for ${storeId}` },
    );
  }
}

export interface ConnectorHarness {
  sim: SallaSimulator;
  /** The connector running in this process (absent with `outOfProcess`: use `spawn`). */
  svc?: RunningService;
  /** Starts the connector as its own process with the harness's env (kill it to simulate a crash). */
  spawn(extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  crypto: CryptoService;
  publisher: EventPublisher;
  log: EventLog;
  /** Registers a store id as this test's (its events are collected). */
  watch(storeId: string): void;
  /** Publishes a webhook the way the gateway does (data sealed for the store). */
  /** `createdAtUtc`: Salla's `created_at` of the event (default 2026-11-29T07:00:00Z for every webhook). */
  webhook(
    storeId: string,
    event: string,
    data: Record<string, unknown>,
    createdAtUtc?: string,
  ): Promise<void>;
  /** Salla issues the store new tokens and sends them (`app.store.authorize`, created at `createdAtUtc`). */
  authorize(storeId: string, createdAtUtc: string): Promise<void>;
  /** A merchant installs: the simulator knows the store and its tokens reach the connector (easy mode). */
  install(storeId: string, plan?: 'plus' | 'pro' | 'special'): Promise<void>;
  /** Publishes a canonical command/event as another service would. */
  send<P extends object>(topic: Topic, storeId: string, payload: P, key?: string): Promise<void>;
  /** The env the connector was started with (to start more instances). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const WATCHED: Topic[] = [
  Topic.StoreInstalled,
  Topic.StoreSettingsUpdated,
  Topic.StoreUninstalled,
  Topic.StoreProfileUpdated,
  Topic.CatalogProductUpserted,
  Topic.CatalogProductDeleted,
  Topic.CatalogCategoryUpserted,
  Topic.CatalogCategoryDeleted,
  Topic.InventoryLevelChanged,
  Topic.SalesOrderUpserted,
  Topic.SalesOrderCancelled,
  Topic.SalesOrderRefunded,
  Topic.CustomerUpserted,
  Topic.ShippingMethodUpserted,
  Topic.PaymentMethodUpserted,
  Topic.BackfillCategoryUpserted,
  Topic.BackfillProductUpserted,
  Topic.BackfillShippingMethodUpserted,
  Topic.BackfillPaymentMethodUpserted,
  Topic.BackfillOrderUpserted,
  Topic.OpsSyncResult,
  Topic.OpsBackfillProgress,
];

export function connectorEnv(
  run: string,
  sim: SallaSimulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  return {
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_GROUP_ID: `${run}-salla-connector`,
    MONGODB_URI: mongoUri,
    MONGODB_DB: `${run}-salla`.replace(/-/g, '_'),
    KEYRING_DB: `${run}-keyring`.replace(/-/g, '_'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    OTEL_ENABLED: 'false',
    KAFKA_RETRY_BASE_MS: '50',
    SALLA_API_URL: sim.apiUrl,
    SALLA_OAUTH_URL: sim.oauthUrl,
    SALLA_CLIENT_ID: sim.clientId,
    SALLA_CLIENT_SECRET: sim.clientSecret,
    ...extra,
  };
}

export async function startConnectorHarness(
  options: { env?: Record<string, string>; outOfProcess?: boolean } = {},
): Promise<ConnectorHarness> {
  const run = uniqueName('salla');
  const sim = await startSallaSimulator();
  const env = connectorEnv(run, sim, options.env);
  let svc: RunningService | undefined;
  let crypto: CryptoService;
  let sealerDb: MongoConnection | undefined;
  if (options.outOfProcess) {
    // Seal webhooks like the gateway: same keyring database and master key as the connector process.
    sealerDb = new MongoConnection({
      uri: env.MONGODB_URI,
      dbName: `${run}-sealer`.replace(/-/g, '_'),
      logger: quiet,
    });
    crypto = new CryptoService(registerKeyringModel(sealerDb, env.KEYRING_DB), loadMasterKey(env), {
      logger: quiet,
    });
    sealerDb.start();
    await sealerDb.whenReady(20_000);
  } else {
    svc = await runService(SallaConnectorService, { env });
    crypto = svc.app.get(CryptoService);
  }
  const processes: ServiceProcess[] = [];
  const kafka = new Kafka({
    clientId: run,
    brokers: env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const publisher = new EventPublisher(kafka);
  const stores = new Set<string>();
  const log = new EventLog(stores);
  const consumer: Consumer = kafka.consumer({ groupId: `${run}-observer` });
  await consumer.connect();
  await consumer.subscribe({ topics: WATCHED, fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: 8,
    eachMessage: ({ topic, message }) => {
      if (message.value)
        log.add(topic, JSON.parse(message.value.toString()) as EventEnvelope<Record<string, unknown>>);
      return Promise.resolve();
    },
  });
  // The observer must be assigned its partitions before the test produces anything it should see.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () =>
        (await admin.describeGroups([`${run}-observer`])).groups[0]?.state === 'Stable' ? true : null,
      { timeoutMs: 30_000, description: 'observer group stable' },
    );
  } finally {
    await admin.disconnect();
  }

  const harness: ConnectorHarness = {
    sim,
    svc,
    crypto,
    publisher,
    log,
    env,
    watch: (storeId) => void stores.add(storeId),
    async spawn(extraEnv = {}) {
      const proc = spawnService('salla-connector', {
        ...env,
        HTTP_PORT: String(await freePort()),
        ...extraEnv,
      });
      processes.push(proc);
      return proc;
    },
    async webhook(storeId, event, data, createdAtUtc = '2026-11-29T07:00:00.000Z') {
      // Salla writes app events' created_at in Riyadh time (UTC+3), without a zone.
      const riyadh = new Date(Date.parse(createdAtUtc) + 3 * 3_600_000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ');
      const body = JSON.stringify({ event, merchant: Number(storeId), created_at: riyadh, data });
      const bodySha256 = createHash('sha256').update(body).digest('hex');
      const payload: SallaWebhookReceived = {
        event,
        merchant: storeId,
        createdAt: riyadh,
        createdAtUtc,
        bodySha256,
        receivedAt: new Date().toISOString(),
        data: await crypto.encryptJson(storeId, data, sallaWebhookDataAad(bodySha256)),
      };
      await publisher.publish(
        Topic.SallaWebhookReceived,
        newEnvelope(Topic.SallaWebhookReceived, storeId, payload),
        {
          key: storeId,
        },
      );
    },
    async authorize(storeId, createdAtUtc) {
      const tokens = sim.issueTokens(storeId);
      await harness.webhook(
        storeId,
        'app.store.authorize',
        {
          id: 1234,
          access_token: tokens.accessToken,
          refresh_token: tokens.refreshToken,
          expires: tokens.expires,
          scope: tokens.scope,
        },
        createdAtUtc,
      );
    },
    async install(storeId, plan = 'plus') {
      stores.add(storeId);
      sim.addStore({ id: storeId, plan });
      const tokens = sim.issueTokens(storeId);
      await harness.webhook(storeId, 'app.installed', {
        id: 1234,
        app_name: 'Odoo sync',
        installation_date: '2026-11-29 10:00:00',
        store_type: 'development',
      });
      await harness.webhook(storeId, 'app.store.authorize', {
        id: 1234,
        app_name: 'Odoo sync',
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        expires: tokens.expires,
        scope: tokens.scope,
        token_type: 'bearer',
      });
      await log.waitFor(Topic.StoreProfileUpdated, storeId);
    },
    async send(topic, storeId, payload, key) {
      await publisher.publish(topic, newEnvelope(topic, storeId, payload), {
        key: key ?? messageKeyOf(topic, storeId, payload as never),
      });
    },
    async stop() {
      await consumer.disconnect().catch(() => undefined);
      await publisher.close().catch(() => undefined);
      for (const p of processes) await p.kill();
      await svc?.stop();
      await sealerDb?.close();
      await sim.close();
    },
  };
  return harness;
}
