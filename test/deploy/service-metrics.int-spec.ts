import { createHmac, randomBytes } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import { Topic } from '@app/contracts';
import { type SallaSimulator, startSallaSimulator } from '@app/salla-simulator';
import {
  freePort,
  integrationEnv,
  type ServiceProcess,
  spawnService,
  uniqueName,
  waitFor,
} from '@app/testing';

/**
 * What ops scrape (Prometheus, k8s pod annotations prometheus.io/*): each service's /metrics, with the series
 * the dashboards and alerts of issue 8 are built on. The services run as their own processes, as in a
 * container, and only get real traffic: signed and forged webhooks, a store install against the Salla
 * simulator, and one undecodable message that must be dead-lettered.
 */
const SECRET = 'metrics-test-webhook-secret';
const STARTUP_MS = 90_000;

interface Running {
  proc: ServiceProcess;
  url: string;
}

async function metricsOf(service: Running): Promise<string> {
  const res = await fetch(`${service.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Series names (and label sets, when given) present in a Prometheus text exposition. */
function hasSeries(text: string, name: string, labels: Record<string, string> = {}): boolean {
  return text.split('\n').some((line) => {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
  });
}

async function waitForSeries(service: Running, name: string, labels: Record<string, string> = {}) {
  await waitFor(async () => hasSeries(await metricsOf(service), name, labels), {
    timeoutMs: 60_000,
    intervalMs: 500,
    description: `${name}${JSON.stringify(labels)} on ${service.url}/metrics`,
  });
}

function sign(body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-salla-security-strategy': 'Signature',
    'x-salla-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
  };
}

const appEvent = (event: string, merchant: number, data: unknown): string =>
  JSON.stringify({ event, merchant, created_at: '2026-01-01 12:00:00', data });

describe('/metrics of every service (real Kafka + Mongo, services as processes)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('metrics');
  const merchant = 700_000_000 + Math.floor(Math.random() * 99_999_999);
  const storeId = String(merchant);
  let sim: SallaSimulator;
  const services: Record<'gateway' | 'salla-connector' | 'odoo-connector', Running> = {} as never;

  async function start(app: keyof typeof services, env: Record<string, string>): Promise<void> {
    const port = await freePort();
    const proc = spawnService(app, {
      NODE_ENV: 'production',
      HTTP_PORT: String(port),
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGODB_URI: mongoUri,
      MONGODB_DB: `${run}-${app}`.replace(/[^a-zA-Z0-9_-]/g, '_'),
      KAFKA_GROUP_ID: `${run}-${app}`,
      MASTER_KEY: masterKey,
      LOG_LEVEL: 'warn',
      ...env,
    });
    services[app] = { proc, url: `http://127.0.0.1:${port}` };
  }

  const masterKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    sim = await startSallaSimulator({});
    sim.addStore({ id: storeId, plan: 'plus' });
    sim.seedProducts(storeId, 3);
    await start('gateway', { SALLA_WEBHOOK_SECRET: SECRET });
    await start('salla-connector', {
      SALLA_API_URL: sim.apiUrl,
      SALLA_OAUTH_URL: sim.oauthUrl,
      SALLA_CLIENT_ID: sim.clientId,
      SALLA_CLIENT_SECRET: sim.clientSecret,
    });
    await start('odoo-connector', { ODOO_ALLOW_HTTP: 'true', ODOO_ALLOW_HOSTS: '127.0.0.1' });
    for (const service of Object.values(services)) {
      await waitFor(
        async () => {
          if (service.proc.child.exitCode !== null) {
            throw new Error(`exited early:\n${service.proc.output().slice(-2000)}`);
          }
          return (await fetch(`${service.url}/health/ready`)).ok;
        },
        { timeoutMs: STARTUP_MS, intervalMs: 500, description: `${service.url}/health/ready` },
      );
    }
  }, STARTUP_MS * 3);

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s.proc.stop()));
    await sim?.close();
  });

  it('gateway: webhook intake by outcome and its latency', async () => {
    const tokens = sim.issueTokens(storeId);
    const deliveries = [
      appEvent('app.installed', merchant, { id: 1, app_name: 'metrics test', app_type: 'app' }),
      appEvent('app.store.authorize', merchant, {
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        expires: tokens.expires,
        scope: tokens.scope,
        token_type: 'bearer',
      }),
    ];
    for (const body of deliveries) {
      const res = await fetch(`${services.gateway.url}/webhooks/salla`, {
        method: 'POST',
        headers: sign(body),
        body,
      });
      expect(res.status).toBe(200);
    }
    const forged = appEvent('app.installed', merchant, { id: 2 });
    const refused = await fetch(`${services.gateway.url}/webhooks/salla`, {
      method: 'POST',
      headers: { ...sign(forged), 'x-salla-signature': 'ab'.repeat(32) },
      body: forged,
    });
    expect(refused.status).toBe(401);

    const text = await metricsOf(services.gateway);
    expect(hasSeries(text, 'gateway_webhooks_accepted_total')).toBe(true);
    expect(hasSeries(text, 'gateway_webhooks_rejected_total', { reason: 'bad-signature' })).toBe(true);
    expect(hasSeries(text, 'gateway_webhooks_intake_duration_bucket', { outcome: 'accepted' })).toBe(true);
    expect(hasSeries(text, 'gateway_webhooks_intake_duration_bucket', { outcome: 'rejected' })).toBe(true);
  });

  it('salla-connector: handled and dead-lettered messages, handler latency, consumer lag, Salla call latency', async () => {
    // A message no consumer can decode: it must end in the dead-letter topic, and be counted there.
    const kafka = new Kafka({
      clientId: `${run}-producer`,
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: Topic.SallaWebhookReceived,
        messages: [{ key: storeId, value: 'not an event envelope' }],
      });
    } finally {
      await producer.disconnect();
    }

    const connector = services['salla-connector'];
    await waitForSeries(connector, 'messaging_consumer_messages_total', { outcome: 'handled' });
    await waitForSeries(connector, 'messaging_consumer_messages_total', { outcome: 'dead-lettered' });
    await waitForSeries(connector, 'salla_api_requests_total');
    const text = await metricsOf(connector);
    expect(
      hasSeries(text, 'messaging_consumer_process_duration_bucket', { topic: Topic.SallaWebhookReceived }),
    ).toBe(true);
    expect(hasSeries(text, 'messaging_consumer_lag', { topic: Topic.SallaWebhookReceived })).toBe(true);
    expect(hasSeries(text, 'salla_api_request_duration_seconds_bucket')).toBe(true);
  });

  it('odoo-connector: consumer outcomes, handler latency and lag', async () => {
    // The install above publishes store lifecycle events the odoo-connector consumes; on a fresh broker the
    // connector may still be joining its group, so give it one message of its own as well.
    const kafka = new Kafka({
      clientId: `${run}-odoo-producer`,
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        // Every service consumes erasure requests (privacy participant).
        topic: Topic.PrivacyErasureRequested,
        messages: [{ key: `${storeId}-odoo`, value: 'not an event envelope' }],
      });
    } finally {
      await producer.disconnect();
    }
    const connector = services['odoo-connector'];
    await waitForSeries(connector, 'messaging_consumer_messages_total');
    const text = await metricsOf(connector);
    expect(hasSeries(text, 'messaging_consumer_process_duration_bucket')).toBe(true);
    expect(hasSeries(text, 'messaging_consumer_lag')).toBe(true);
  });
});
