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
  startGroupsAtTopicEnds,
  uniqueName,
  waitFor,
} from '@app/testing';

import { SignedWebhookPoster } from './signed-webhooks';

export type AppName = 'gateway' | 'salla-connector' | 'odoo-connector' | 'privacy-service';

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
  /** Also run the privacy-service (erasure on uninstall, receipts), for journeys that end in an uninstall. */
  privacy?: boolean;
  /** Environment for one app only (e.g. the odoo-connector's stock poll interval). */
  envOf?: Partial<Record<AppName, Record<string, string>>>;
  /** Salla plan of stores installed by `installConnectedStore` (the plan sets the API rate limit). */
  plan?: 'basic' | 'plus' | 'pro' | 'special';
  /**
   * Databases in the fake Odoo (default 1, named `odoo`; further ones `odoo_2`, `odoo_3`, ...). Stores connected
   * to different databases are different merchants' Odoos: the odoo-connector caps requests in flight per base
   * URL + database, so each gets its own cap.
   */
  odooDatabases?: number;
  /** Wait between the poster's attempts at a webhook answered 5xx or not at all (default 250 ms). */
  posterRetryDelayMs?: number;
}

/** Where `installConnectedStore` connects the store. */
export interface ConnectOptions {
  /** One of `stack.odoo.databases` (default the first, `odoo`). */
  database?: string;
}

const WEBHOOK_SECRET = randomBytes(24).toString('hex');
/** Bearer token of the privacy API in these runs (the compliance role). */
export const PRIVACY_TOKEN = randomBytes(24).toString('base64url');
const ODOO_API_KEY = 'fake-odoo-admin-key';

/** `odoo` (the fake's default name, which tests expect), then `odoo_2`, `odoo_3`, ... */
function odooDatabaseNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`odooDatabases must be ≥ 1, got ${count}`);
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'odoo' : `odoo_${i + 1}`));
}

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
    readonly masterKey: string,
  ) {
    this.poster = new SignedWebhookPoster(
      WEBHOOK_SECRET,
      () => this.instances.filter((i) => i.app === 'gateway').map((i) => i.url),
      { retryDelayMs: options.posterRetryDelayMs },
    );
  }

  static async start(options: StackOptions = {}): Promise<ServiceStack> {
    const sim = await startSallaSimulator({});
    const odoo = await startFakeOdoo({
      style: '19',
      databases: odooDatabaseNames(options.odooDatabases ?? 1),
    });
    const stack = new ServiceStack(
      uniqueName('e2e-observe'),
      sim,
      odoo,
      {
        gateways: options.gateways ?? 1,
        env: options.env ?? {},
        startupMs: options.startupMs ?? 120_000,
        privacy: options.privacy ?? false,
        envOf: options.envOf ?? {},
        plan: options.plan ?? 'plus',
        odooDatabases: options.odooDatabases ?? 1,
        posterRetryDelayMs: options.posterRetryDelayMs ?? 250,
      },
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
      if (stack.options.privacy) starting.push(stack.startInstance('privacy-service', 'privacy-service'));
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

  /**
   * A merchant installs the app in easy mode and connects their Odoo through the app settings. `prepare` fills
   * the store in the simulator first (its catalogue and past orders, which the backfill will read);
   * `connect.database` picks which of the fake Odoo's databases the store connects to.
   */
  async installConnectedStore(
    prepare?: (storeId: string) => void,
    connect: ConnectOptions = {},
  ): Promise<string> {
    const database = connect.database ?? this.odoo.databases[0];
    if (!this.odoo.databases.includes(database)) throw new Error(`fake Odoo has no database ${database}`);
    const storeId = String(randomInt(700_000_000, 799_999_999));
    this.sim.addStore({ id: storeId, plan: this.options.plan });
    prepare?.(storeId);
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
        odoo_database: database,
        odoo_login: 'admin',
        odoo_api_key: ODOO_API_KEY,
        sync_enabled: true,
      },
    });
    return storeId;
  }

  /** This run's groups start at the current topic ends (see `startGroupsAtTopicEnds`). */
  private startGroupsAtTopicEnds(): Promise<void> {
    const apps: AppName[] = ['gateway', 'salla-connector', 'odoo-connector', 'privacy-service'];
    return startGroupsAtTopicEnds(integrationEnv().kafkaBrokers, [
      ...apps.map((app) => `${this.run}-${app}`),
      // The gateway's dead-letter indexer has a group of its own; from the start of a broker's history it
      // indexed every earlier test's dead letters in the background (CPU under a bench, time in CI).
      `${this.run}-gateway.admin-dead-letters`,
    ]);
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
    return { ...this.baseEnvOf(app), ...this.options.envOf[app] };
  }

  /** The Mongo database of `app` (or of the shared key ring, `keyring`) in this run. */
  databaseOf(app: AppName | 'keyring'): string {
    return `${this.run}_${app}`.replace(/[^a-zA-Z0-9_]/g, '_');
  }

  /** Base URL of the first running instance of `app`. */
  urlOf(app: AppName): string {
    const found = this.instances.find((i) => i.app === app);
    if (!found) throw new Error(`no running ${app}`);
    return found.url;
  }

  private baseEnvOf(app: AppName): Record<string, string> {
    const { kafkaBrokers, mongoUri } = integrationEnv();
    const db = (suffix: string): string => this.databaseOf(suffix as AppName);
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
      // Benches and the chaos suite run with other settings than the default when asked (BENCHMARKS.md).
      ...(process.env.KAFKA_KEY_CONCURRENCY
        ? { KAFKA_KEY_CONCURRENCY: process.env.KAFKA_KEY_CONCURRENCY }
        : {}),
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
      case 'privacy-service':
        return { ...common, PRIVACY_API_TOKENS: PRIVACY_TOKEN, PRIVACY_WATCHDOG_INTERVAL_MS: '500' };
    }
  }
}
