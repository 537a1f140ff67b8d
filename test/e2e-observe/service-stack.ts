import { randomBytes, randomInt } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import { Topic } from '@app/contracts';
import { type FakeOdoo, startFakeOdoo } from '@app/fake-odoo';
import { type SallaSimulator, startSallaSimulator } from '@app/salla-simulator';
import {
  freePort,
  integrationEnv,
  type ServiceProcess,
  spawnService,
  uniqueName,
  waitFor,
} from '@app/testing';

import { SignedWebhookPoster } from './signed-webhooks';

export type AppName = 'gateway' | 'salla-connector' | 'odoo-connector';

/** One running instance of a service: its process and the base URL of its HTTP side. */
export interface Instance {
  app: AppName;
  /** Distinguishes several instances of one app (two gateways). */
  name: string;
  url: string;
  proc: ServiceProcess;
}

export interface StackOptions {
  /** Gateways to run side by side (a load balancer's pool), so one can restart while the other answers. */
  gateways?: number;
  /** Extra environment for every service (e.g. where to export traces). */
  env?: Record<string, string>;
  /** How long a service may take to answer /health/ready (ts-node compiles on start; 2 shared cores). */
  startupMs?: number;
}

const WEBHOOK_SECRET = randomBytes(24).toString('hex');
const ODOO_API_KEY = 'fake-odoo-admin-key';

/**
 * The whole sync as processes, the way containers run it: N gateways, one salla-connector, one odoo-connector
 * (each `apps/<name>/src/main.ts` under ts-node), against the Salla simulator and a fake Odoo in this process,
 * real Kafka and Mongo. Databases, consumer groups and the key ring are this run's own.
 */
export class ServiceStack {
  readonly instances: Instance[] = [];
  readonly poster: SignedWebhookPoster;

  private constructor(
    readonly run: string,
    readonly sim: SallaSimulator,
    readonly odoo: FakeOdoo,
    private readonly options: Required<StackOptions>,
    private readonly masterKey: string,
  ) {
    this.poster = new SignedWebhookPoster(WEBHOOK_SECRET, () =>
      this.instances.filter((i) => i.app === 'gateway').map((i) => i.url),
    );
  }

  static async start(options: StackOptions = {}): Promise<ServiceStack> {
    const sim = await startSallaSimulator({});
    const odoo = await startFakeOdoo({ style: '19' });
    const stack = new ServiceStack(
      uniqueName('e2e-observe'),
      sim,
      odoo,
      { gateways: options.gateways ?? 1, env: options.env ?? {}, startupMs: options.startupMs ?? 120_000 },
      randomBytes(32).toString('base64'),
    );
    try {
      await stack.startGroupsAtTopicEnds();
      const starting: Array<Promise<Instance>> = [];
      for (let i = 1; i <= stack.options.gateways; i++) {
        starting.push(stack.startInstance('gateway', `gateway-${i}`));
      }
      starting.push(stack.startInstance('salla-connector', 'salla-connector'));
      starting.push(stack.startInstance('odoo-connector', 'odoo-connector'));
      // allSettled: a failed start must not leave the other processes running behind the error.
      const started = await Promise.allSettled(starting);
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  instance(name: string): Instance {
    const found = this.instances.find((i) => i.name === name);
    if (!found) throw new Error(`no instance ${name}`);
    return found;
  }

  /**
   * A rolling restart of one instance, as Kubernetes does it: SIGTERM, wait for the exit (the service drains
   * in-flight messages and commits), then a fresh process on the same port, ready before this resolves.
   */
  async restart(name: string): Promise<{ exitCode: number | null }> {
    const old = this.instance(name);
    await old.proc.stop();
    const { code } = await old.proc.exited;
    this.instances.splice(this.instances.indexOf(old), 1);
    await this.startInstance(old.app, name, Number(new URL(old.url).port));
    return { exitCode: code };
  }

  /** A merchant installs the app in easy mode and connects their Odoo through the app settings. */
  async installConnectedStore(): Promise<string> {
    const storeId = String(randomInt(700_000_000, 799_999_999));
    this.sim.addStore({ id: storeId, plan: 'plus' });
    const tokens = this.sim.issueTokens(storeId);
    await this.poster.post(storeId, 'app.installed', {
      id: 1,
      app_name: 'Salla ⇄ Odoo sync',
      app_type: 'app',
      installation_date: '2026-11-29 10:00:00',
      store_type: 'development',
    });
    await this.poster.post(storeId, 'app.store.authorize', {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expires: tokens.expires,
      scope: tokens.scope,
      token_type: 'bearer',
    });
    await this.poster.post(storeId, 'app.settings.updated', {
      id: 1,
      app_name: 'Salla ⇄ Odoo sync',
      settings: {
        odoo_url: this.odoo.url,
        odoo_database: this.odoo.databases[0],
        odoo_login: 'admin',
        odoo_api_key: ODOO_API_KEY,
        sync_enabled: true,
      },
    });
    return storeId;
  }

  /**
   * The shared development broker holds every earlier run's messages, and a new consumer group starts from
   * the beginning of each topic: tens of thousands of other stores' events would stand between the services
   * and this run's. Committing this run's groups at the current end of every topic first makes the broker
   * look like a fresh cluster's to them. (Topics created later by the services start empty anyway.)
   */
  private async startGroupsAtTopicEnds(): Promise<void> {
    const { kafkaBrokers } = integrationEnv();
    const kafka = new Kafka({
      clientId: `${this.run}-setup`,
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const ends: Array<{ topic: string; partition: number; offset: string }> = [];
    try {
      const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
      for (const topic of topics) {
        for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
          ends.push({ topic, partition, offset: high });
        }
      }
    } finally {
      await admin.disconnect();
    }
    // One short-lived member per group commits every end at once (admin.setOffsets joins the group once per
    // topic, seconds each). It consumes nothing: its topics are paused and it commits only these offsets.
    const topics = [...new Set(ends.map((e) => e.topic))];
    await Promise.all(
      (['gateway', 'salla-connector', 'odoo-connector'] as const).map(async (app) => {
        const consumer = kafka.consumer({ groupId: `${this.run}-${app}` });
        const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
        await consumer.connect();
        try {
          await consumer.subscribe({ topics, fromBeginning: false });
          await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
          consumer.pause(topics.map((topic) => ({ topic })));
          await joined;
          await consumer.commitOffsets(ends);
        } finally {
          await consumer.disconnect();
        }
      }),
    );
  }

  /**
   * Resolves once the odoo-connector announced the store's Odoo as connected (`store.sync-ready`): from then
   * on orders are written to Odoo rather than skipped as "not connected".
   */
  async waitForSyncReady(storeId: string, timeoutMs = 180_000): Promise<void> {
    const { kafkaBrokers } = integrationEnv();
    const kafka = new Kafka({
      clientId: `${this.run}-watch`,
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `${this.run}-watch-${storeId}` });
    let ready = false;
    try {
      await consumer.connect();
      // From the beginning: the announcement may already be there; the topic is small.
      await consumer.subscribe({ topics: [Topic.StoreSyncReady], fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as { storeId?: string };
          if (envelope.storeId === storeId) ready = true;
          return Promise.resolve();
        },
      });
      await waitFor(() => ready, {
        timeoutMs,
        intervalMs: 250,
        description: `store.sync-ready of ${storeId}`,
      });
    } catch (err) {
      throw new Error(
        `${String(err)}\nfake Odoo calls: ${JSON.stringify(this.odoo.counters())}\n${this.diagnostics()}`,
      );
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Messages of `topic` that `app`'s consumer group has not committed yet, as the broker counts them (what
   * KEDA scales on): the sum over partitions of high watermark − committed offset.
   */
  async backlogOf(app: AppName, topic: string): Promise<number> {
    const { kafkaBrokers } = integrationEnv();
    const kafka = new Kafka({
      clientId: `${this.run}-lag`,
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: `${this.run}-${app}`, topics: [topic] });
      let backlog = 0;
      for (const { partition, high, low } of ends) {
        const at = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        // -1: nothing committed on that partition yet, so all of it is still to be consumed.
        backlog += Number(high) - (at === '-1' ? Number(low) : Number(at));
      }
      return backlog;
    } finally {
      await admin.disconnect();
    }
  }

  /** Sale orders in the fake Odoo whose customer reference (`client_order_ref`) is one of `refs`. */
  saleOrdersFor(refs: ReadonlySet<string>): Array<Record<string, unknown>> {
    return this.odoo.records('sale.order').filter((o) => refs.has(String(o.client_order_ref)));
  }

  /** The last output of every instance, for a failure message (services log JSON lines, secrets redacted). */
  diagnostics(): string {
    return this.instances.map((i) => `--- ${i.name}\n${i.proc.output().slice(-2500)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.proc.stop()));
    await this.sim.close();
    await this.odoo.close();
  }

  private async startInstance(app: AppName, name: string, port?: number): Promise<Instance> {
    const httpPort = port ?? (await freePort());
    const proc = spawnService(app, { ...this.envOf(app), HTTP_PORT: String(httpPort) });
    const instance: Instance = { app, name, url: `http://127.0.0.1:${httpPort}`, proc };
    this.instances.push(instance);
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) {
          throw new Error(`${name} exited early:\n${proc.output().slice(-3000)}`);
        }
        return (await fetch(`${instance.url}/health/ready`)).ok;
      },
      { timeoutMs: this.options.startupMs, intervalMs: 500, description: `${name} /health/ready` },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${proc.output().slice(-3000)}`);
    });
    return instance;
  }

  private envOf(app: AppName): Record<string, string> {
    const { kafkaBrokers, mongoUri } = integrationEnv();
    const db = (suffix: string): string => `${this.run}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
    const common = {
      NODE_ENV: 'production',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: kafkaBrokers.join(','),
      // Every instance of an app shares its group, as the replicas of a Deployment do.
      KAFKA_GROUP_ID: `${this.run}-${app}`,
      MONGODB_URI: mongoUri,
      MONGODB_DB: db(app),
      KEYRING_DB: db('keyring'),
      MASTER_KEY: this.masterKey,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      KAFKA_RETRY_BASE_MS: '100',
      ...this.options.env,
    };
    switch (app) {
      case 'gateway':
        return { ...common, SALLA_WEBHOOK_SECRET: WEBHOOK_SECRET };
      case 'salla-connector':
        return {
          ...common,
          SALLA_API_URL: this.sim.apiUrl,
          SALLA_OAUTH_URL: this.sim.oauthUrl,
          SALLA_CLIENT_ID: this.sim.clientId,
          SALLA_CLIENT_SECRET: this.sim.clientSecret,
        };
      case 'odoo-connector':
        return { ...common, ODOO_ALLOW_HTTP: 'true', ODOO_ALLOW_HOSTS: '127.0.0.1' };
    }
  }
}
