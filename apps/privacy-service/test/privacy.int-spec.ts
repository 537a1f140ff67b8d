import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';

import type { RunningService, ServiceDefinition } from '@app/bootstrap';
import { runService } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { CryptoService, StoreKeyShreddedError } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { PrivacyCollectionRegistry, StoreErasureGuard } from '@app/privacy-participant';
import { integrationEnv, startGroupsAtTopicEnds, uniqueName, waitFor } from '@app/testing';

import { GatewayService } from '../../gateway/src/gateway.service';
import { OdooConnectorService } from '../../odoo-connector/src/odoo-connector.service';
import { SallaConnectorService } from '../../salla-connector/src/salla-connector.service';
import { uninstallRequestId } from '../src/erasures/erasure-events.handler';
import { PrivacyServiceService } from '../src/privacy-service.service';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const SERVICES: ServiceDefinition<any>[] = [
  GatewayService,
  SallaConnectorService,
  OdooConnectorService,
  PrivacyServiceService,
];
const TOKEN = randomBytes(24).toString('base64url');
const DAY_MS = 24 * 60 * 60 * 1000;
// API answers are read loosely: the assertions say which fields matter.
/* eslint-disable @typescript-eslint/no-explicit-any */

describe('privacy service with all four services on real Kafka and Mongo', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('privacy');
  const masterKey = randomBytes(32).toString('base64');
  const dbOf = (name: string): string => `${run}-${name}`.replace(/-/g, '_');
  const running = new Map<string, RunningService>();
  let conn: mongoose.Connection;
  let kafka: Kafka;
  let publisher: EventPublisher;
  let api: string;

  const db = (service: string): mongoose.mongo.Db => conn.useDb(dbOf(service), { useCache: true }).db!;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = TOKEN,
  ): Promise<{ status: number; json: any }> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const waitForErasure = (requestId: string): Promise<any> =>
    waitFor(
      async () => {
        const { status, json } = await call('GET', `/privacy/v1/erasures/${requestId}`);
        return status === 200 && (json.status === 'completed' || json.status === 'failed') ? json : null;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: `erasure ${requestId} closed` },
    );

  /** What a store looks like after install and some sync: a document in every service's database. */
  async function install(storeId: string): Promise<{ sealed: any }> {
    const crypto = running.get('gateway')!.app.get(CryptoService);
    const sealed = await crypto.encrypt(storeId, `odoo-api-key-of-${storeId}`);
    for (const def of SERVICES) {
      await db(def.name)
        .collection('test_store_settings')
        .insertOne({ storeId, shopName: `Shop ${storeId}`, odooUrl: 'https://odoo.example', apiKey: sealed });
    }
    await db('gateway')
      .collection('test_activity')
      .insertOne({ storeId, createdAt: new Date(), line: 'synced' });
    return { sealed };
  }

  beforeAll(async () => {
    kafka = new Kafka({ clientId: run, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    await startGroupsAtTopicEnds(
      kafkaBrokers,
      SERVICES.map((def) => `${run}-${def.name}`),
    );
    for (const def of SERVICES) {
      const env = {
        NODE_ENV: 'test',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        KAFKA_BROKERS: kafkaBrokers.join(','),
        KAFKA_GROUP_ID: `${run}-${def.name}`,
        MONGODB_URI: mongoUri,
        MONGODB_DB: dbOf(def.name),
        KEYRING_DB: dbOf('keyring'),
        MASTER_KEY: masterKey,
        SALLA_WEBHOOK_SECRET: 'privacy-test-webhook-secret',
        SALLA_CLIENT_ID: 'privacy-test-client',
        SALLA_CLIENT_SECRET: 'privacy-test-client-secret',
        LOG_LEVEL: 'error',
        OTEL_ENABLED: 'false',
        KAFKA_RETRY_BASE_MS: '50',
        PRIVACY_API_TOKENS: `other-token,${TOKEN}`,
        PRIVACY_WATCHDOG_INTERVAL_MS: '500',
        PRIVACY_RETRY_AFTER_MS: '10000',
        // Short, so the late-write passes (in each service and the privacy service's re-request) run in the
        // test; long enough that a reinstall right after an erasure comes before them.
        PRIVACY_LATE_WRITE_SWEEP_MS: '4000',
        // Nothing here may reach the real Salla: a closed local port fails the profile reads at once.
        SALLA_API_URL: 'http://127.0.0.1:9/admin/v2',
      };
      running.set(def.name, await runService(def, { env }));
    }
    api = running.get('privacy-service')!.url;
    // A feature of the gateway keeping an activity log registers it like this.
    running
      .get('gateway')!
      .app.get(PrivacyCollectionRegistry)
      .register({ collection: 'test_activity', dataClass: 'activity_logs', timestampField: 'createdAt' });
    conn = await mongoose.createConnection(mongoUri).asPromise();
    publisher = new EventPublisher(kafka);
    for (const [name, svc] of running) {
      // Upper bound: on a fresh CI broker the first start creates every topic and its dead-letter topic.
      await waitFor(async () => (await fetch(`${svc.url}/health/ready`)).status === 200, {
        timeoutMs: 240_000,
        description: `${name} ready`,
      });
    }
  }, 600_000);

  afterAll(async () => {
    await publisher?.close();
    for (const svc of running.values()) await svc.stop();
    await conn?.close();
  });

  it('refuses every privacy endpoint without the compliance token, but serves the policy and the OpenAPI', async () => {
    const storeId = uniqueName('store-auth');
    expect((await call('POST', `/privacy/v1/stores/${storeId}/erasures`, {}, null)).status).toBe(401);
    expect((await call('POST', `/privacy/v1/stores/${storeId}/erasures`, {}, 'wrong-token')).status).toBe(
      401,
    );
    expect((await call('GET', `/privacy/v1/erasures/${randomUUID()}`, undefined, null)).status).toBe(401);
    expect((await call('POST', `/privacy/v1/stores/${storeId}/exports`, {}, null)).status).toBe(401);
    expect((await call('PUT', `/privacy/v1/stores/${storeId}/legal-hold`, {}, null)).status).toBe(401);
    expect((await call('POST', '/privacy/v1/retention/runs', undefined, null)).status).toBe(401);

    const policy = await call('GET', '/privacy/v1/policy', undefined, null);
    expect(policy.status).toBe(200);
    expect(policy.json).toMatchObject({ version: '1', effectiveDate: expect.any(String) });
    expect(policy.json.text).toContain('temporary logs are automatically deleted');
    const versions = await call('GET', '/privacy/v1/policy/versions', undefined, null);
    expect(versions.json.versions).toEqual([{ version: '1', effectiveDate: policy.json.effectiveDate }]);
    const openapi = await call('GET', '/privacy/v1/openapi.json', undefined, null);
    expect(openapi.json.openapi).toBe('3.0.3');
    expect(Object.keys(openapi.json.paths)).toEqual(
      expect.arrayContaining(['/privacy/v1/stores/{storeId}/erasures', '/privacy/v1/exports/{exportId}']),
    );
  });

  it("exports the store's configuration from every service with every secret redacted", async () => {
    const storeId = uniqueName('store-export');
    await install(storeId);
    const started = await call('POST', `/privacy/v1/stores/${storeId}/exports`, {});
    expect(started.status).toBe(202);
    const done = await waitFor(
      async () => {
        const r = await call('GET', `/privacy/v1/exports/${started.json.exportId}`);
        return r.json.status === 'completed' ? r.json : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'export completed' },
    );
    for (const def of SERVICES) {
      const settings = done.document.services[def.name].collections.test_store_settings;
      expect(settings).toEqual([
        expect.objectContaining({ shopName: `Shop ${storeId}`, apiKey: '[redacted]' }),
      ]);
    }
    // Activity logs are not configuration; the secret appears nowhere, sealed or not.
    expect(done.document.services.gateway.collections.test_activity).toBeUndefined();
    const text = JSON.stringify(done);
    expect(text).not.toContain(`odoo-api-key-of-${storeId}`);
    expect(text).not.toContain('"ct"');
  });

  it('uninstall erases the store in every service, shreds its key, keeps only the receipt, and leaves other stores alone', async () => {
    const storeA = uniqueName('store-a');
    const storeB = uniqueName('store-b');
    const { sealed: sealedA } = await install(storeA);
    const { sealed: sealedB } = await install(storeB);

    const event = newEnvelope(Topic.StoreUninstalled, storeA, { uninstalledAt: new Date().toISOString() });
    const t0 = Date.now();
    await publisher.publish(Topic.StoreUninstalled, event, { key: storeA });
    const erasure = await waitForErasure(uninstallRequestId(event.id));
    const elapsedMs = Date.now() - t0;
    process.stdout.write(`uninstall → completed erasure receipt: ${elapsedMs} ms\n`);

    expect(erasure).toMatchObject({ status: 'completed', source: 'uninstall', storeId: storeA });
    expect(erasure.receipt.keyShredded).toBe(true);
    expect(erasure.receipt.services.map((s: any) => s.service).sort()).toEqual(
      SERVICES.map((s) => s.name).sort(),
    );
    expect(new Date(erasure.dueBy).getTime() - new Date(erasure.receivedAt).getTime()).toBe(30 * DAY_MS);
    const gatewayReceipt = erasure.receipt.services.find((s: any) => s.service === 'gateway');
    // At least what the test put there; other gateway features (admin read models) may hold more of the store.
    expect(gatewayReceipt).toMatchObject({ outcome: 'erased' });
    expect(gatewayReceipt.erasedCount).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(erasure)).not.toContain('Shop ');

    const left: string[] = [];
    for (const def of SERVICES) {
      for (const { name } of await db(def.name).listCollections().toArray()) {
        const n = await db(def.name).collection(name).countDocuments({ storeId: storeA });
        if (n > 0) left.push(`${def.name}/${name}:${n}`);
      }
    }
    expect(left).toEqual(['privacy-service/privacy_erasure_requests:1']);

    const crypto = running.get('privacy-service')!.app.get(CryptoService);
    await expect(crypto.decryptString(storeA, sealedA)).rejects.toBeInstanceOf(StoreKeyShreddedError);
    expect(await crypto.decryptString(storeB, sealedB)).toBe(`odoo-api-key-of-${storeB}`);
    for (const def of SERVICES)
      expect(await db(def.name).collection('test_store_settings').countDocuments({ storeId: storeB })).toBe(
        1,
      );
  });

  /** Every document of `storeId` left in any collection of any service's database. */
  async function leftovers(storeId: string): Promise<string[]> {
    const left: string[] = [];
    for (const def of SERVICES) {
      for (const { name } of await db(def.name).listCollections().toArray()) {
        const n = await db(def.name).collection(name).countDocuments({ storeId });
        if (n > 0) left.push(`${def.name}/${name}:${n}`);
      }
    }
    return left.sort();
  }

  /** Salla store ids are numbers: the gateway refuses any other `merchant`. */
  const sallaStoreId = (): string => String(randomInt(1_000_000_000, 2_000_000_000));

  /** POSTs a webhook to the gateway signed like Salla's `Signature` strategy. */
  async function postWebhook(
    storeId: string,
    event: string,
    data: Record<string, unknown>,
  ): Promise<{ status: number; json: any }> {
    const body = JSON.stringify({
      event,
      merchant: Number(storeId),
      created_at: '2026-11-29 10:00:00',
      data,
    });
    const res = await fetch(`${running.get('gateway')!.url}/webhooks/salla`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-salla-security-strategy': 'Signature',
        'x-salla-signature': createHmac('sha256', 'privacy-test-webhook-secret').update(body).digest('hex'),
      },
      body,
    });
    return { status: res.status, json: await res.json() };
  }

  /** The keyring entry (no key material is read by the assertions, only state and key ids). */
  const keyringEntry = (storeId: string): Promise<any> =>
    db('keyring').collection('crypto_keyring').findOne({ storeId });

  /**
   * Waits until `service` has consumed (committed) everything published to `topics` so far: then whatever it
   * did with a message published before this call is visible.
   */
  async function consumed(service: string, topics: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Per partition: the end now, and where it starts (a group that never committed there is at -1: it has
      // consumed everything only if the partition is empty — on a fresh broker most are).
      const ends = new Map<string, { high: number; low: number }>();
      for (const topic of topics)
        for (const p of await admin.fetchTopicOffsets(topic))
          ends.set(`${topic}/${p.partition}`, { high: Number(p.high), low: Number(p.low) });
      await waitFor(
        async () => {
          for (const { topic, partitions } of await admin.fetchOffsets({
            groupId: `${run}-${service}`,
            topics,
          }))
            for (const p of partitions) {
              const end = ends.get(`${topic}/${p.partition}`) ?? { high: 0, low: 0 };
              const at = Number(p.offset) < 0 ? end.low : Number(p.offset);
              if (at < end.high) return false;
            }
          return true;
        },
        { timeoutMs: 120_000, intervalMs: 250, description: `${service} consumed ${topics.join(', ')}` },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Uninstalls the store and waits for its erasure and for the late-write sweep that follows it. */
  async function uninstallAndSweep(storeId: string): Promise<string> {
    const uninstall = newEnvelope(Topic.StoreUninstalled, storeId, {
      uninstalledAt: new Date().toISOString(),
    });
    await publisher.publish(Topic.StoreUninstalled, uninstall, { key: storeId });
    const requestId = uninstallRequestId(uninstall.id);
    expect((await waitForErasure(requestId)).status).toBe('completed');
    await waitForLateSweep(requestId);
    return requestId;
  }

  /** Waits until the privacy service's late-write sweep of the request was answered by every service. */
  async function waitForLateSweep(requestId: string): Promise<void> {
    const swept = await waitFor(
      async () => {
        const { json } = await call('GET', `/privacy/v1/erasures/${requestId}`);
        const lw = json.receipt?.lateWrites;
        return lw?.sweptAt && Object.keys(lw.removed).length === SERVICES.length ? json : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'late-write sweep answered by every service' },
    );
    expect(swept.receipt.lateWrites.skipped).toBeNull();
  }

  const syncLine = (storeId: string, i: number) =>
    newEnvelope(Topic.OpsSyncResult, storeId, {
      service: 'odoo-connector',
      direction: 'salla_to_odoo' as const,
      entityType: 'product' as const,
      entityId: `p-${i}`,
      outcome: 'ok' as const,
      eventId: randomUUID(),
      durationMs: 5,
    });

  it('events of a store still in flight when it is uninstalled leave nothing behind once the late sweep ran', async () => {
    const storeId = uniqueName('store-race');
    await install(storeId);
    const before = Array.from({ length: 25 }, (_, i) => syncLine(storeId, i));
    const after = Array.from({ length: 25 }, (_, i) => syncLine(storeId, 25 + i));
    const uninstall = newEnvelope(Topic.StoreUninstalled, storeId, {
      uninstalledAt: new Date().toISOString(),
    });
    // The burst straddles the uninstall: the gateway projects these while (and after) the erasure runs.
    await Promise.all(before.map((e) => publisher.publish(Topic.OpsSyncResult, e, { key: storeId })));
    await publisher.publish(Topic.StoreUninstalled, uninstall, { key: storeId });
    await Promise.all(after.map((e) => publisher.publish(Topic.OpsSyncResult, e, { key: storeId })));
    const requestId = uninstallRequestId(uninstall.id);
    expect((await waitForErasure(requestId)).status).toBe('completed');
    await consumed('gateway', [Topic.OpsSyncResult]);
    await waitForLateSweep(requestId);

    expect(await leftovers(storeId)).toEqual(['privacy-service/privacy_erasure_requests:1']);
    for (const def of SERVICES)
      expect(await running.get(def.name)!.app.get(StoreErasureGuard).isErased(storeId)).toBe(true);
  }, 360_000);

  it('late messages of an erased store (webhook, backfill request, settings, stock, activity) store nothing anywhere and mint no key', async () => {
    const storeId = sallaStoreId();
    await install(storeId);
    await uninstallAndSweep(storeId);
    const tombstone = await keyringEntry(storeId);
    expect(tombstone.state).toBe('shredded');

    // Salla keeps sending a webhook after the uninstall: answered 200 (no retry), nothing sealed or stored.
    const late = await postWebhook(storeId, 'app.settings.updated', {
      settings: { odoo_url: 'https://10.0.0.1' },
    });
    expect(late).toEqual({ status: 200, json: { ignored: 'store uninstalled' } });
    // Messages produced before the erasure and delivered after it.
    const backfill = newEnvelope(Topic.BackfillRequested, storeId, { runId: `late-${randomUUID()}` });
    const settings = newEnvelope(Topic.StoreSettingsUpdated, storeId, { syncEnabled: true });
    const stock = newEnvelope(Topic.InventoryLevelSet, storeId, {
      identifierType: 'sku' as const,
      identifier: 'SKU-1',
      quantity: 3,
      mode: 'overwrite' as const,
    });
    await publisher.publish(Topic.BackfillRequested, backfill, { key: storeId });
    await publisher.publish(Topic.StoreSettingsUpdated, settings, { key: storeId });
    await publisher.publish(Topic.InventoryLevelSet, stock, { key: storeId });
    await publisher.publish(Topic.OpsSyncResult, syncLine(storeId, 1), { key: storeId });
    await consumed('salla-connector', [Topic.BackfillRequested, Topic.InventoryLevelSet]);
    await consumed('odoo-connector', [Topic.StoreSettingsUpdated]);
    await consumed('gateway', [Topic.OpsSyncResult]);

    expect(await leftovers(storeId)).toEqual(['privacy-service/privacy_erasure_requests:1']);
    const after = await keyringEntry(storeId);
    expect(after.state).toBe('shredded');
    expect(after.keyId).toBeUndefined();
    expect(after.shreddedKeyIds).toEqual(tombstone.shreddedKeyIds);
  }, 360_000);

  it('a store reinstalled after its erasure is accepted again by every service: new key, projection, tokens and settings', async () => {
    const storeId = sallaStoreId();
    const { sealed } = await install(storeId);
    const uninstall = newEnvelope(Topic.StoreUninstalled, storeId, {
      uninstalledAt: new Date().toISOString(),
    });
    await publisher.publish(Topic.StoreUninstalled, uninstall, { key: storeId });
    const requestId = uninstallRequestId(uninstall.id);
    expect((await waitForErasure(requestId)).status).toBe('completed');
    const shreddedKeyIds: string[] = (await keyringEntry(storeId)).shreddedKeyIds;

    // The merchant installs the app again (before the late-write sweeps are due: they must spare it).
    const installed = await postWebhook(storeId, 'app.installed', {
      id: 1,
      app_name: 'Odoo sync',
      app_scopes: ['products.read', 'offline_access'],
      installation_date: '2026-11-29 10:00:00',
      store_type: 'development',
    });
    expect(installed).toEqual({ status: 200, json: { accepted: true } });
    const authorized = await postWebhook(storeId, 'app.store.authorize', {
      access_token: `access-${randomUUID()}`,
      refresh_token: `refresh-${randomUUID()}`,
      expires: Math.floor(Date.now() / 1000) + 14 * 24 * 3600,
      scope: 'products.read offline_access',
      token_type: 'bearer',
    });
    expect(authorized.status).toBe(200);
    const configured = await postWebhook(storeId, 'app.settings.updated', {
      settings: {
        odoo_url: 'https://10.0.0.1',
        odoo_database: 'shop',
        odoo_login: 'admin',
        odoo_api_key: `odoo-key-${randomUUID()}`,
      },
    });
    expect(configured.status).toBe(200);

    const key = await keyringEntry(storeId);
    expect(key.state).toBe('active');
    expect(shreddedKeyIds).not.toContain(key.keyId);
    const written = [
      'gateway/admin_store_views:1',
      'odoo-connector/odoo_connections:1',
      'salla-connector/salla_tokens:1',
    ];
    await waitFor(async () => ((left) => written.every((w) => left.includes(w)))(await leftovers(storeId)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'store view, tokens and Odoo settings written again',
    });
    // The late-write sweeps come after the reinstall and leave the new installation alone.
    const skipped = await waitFor(
      async () => {
        const { json } = await call('GET', `/privacy/v1/erasures/${requestId}`);
        return json.receipt?.lateWrites?.skipped ? json.receipt.lateWrites : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'late-write sweep skipped' },
    );
    expect(skipped).toMatchObject({ skipped: 'store reinstalled', sweptAt: null });
    const left = await leftovers(storeId);
    for (const w of written) expect(left).toContain(w);
    expect((await keyringEntry(storeId)).keyId).toBe(key.keyId);
    for (const def of SERVICES)
      expect(await running.get(def.name)!.app.get(StoreErasureGuard).isErased(storeId)).toBe(false);
    // What was sealed before the erasure (every Kafka copy of it) stays unreadable after the reinstall.
    await expect(
      running.get('privacy-service')!.app.get(CryptoService).decryptString(storeId, sealed),
    ).rejects.toBeInstanceOf(StoreKeyShreddedError);
  }, 360_000);

  it('a legal hold keeps exactly the held class through an erasure, and the receipt says what and why', async () => {
    const storeId = uniqueName('store-hold');
    await install(storeId);
    const until = new Date(Date.now() + 90 * DAY_MS).toISOString();
    const hold = await call('PUT', `/privacy/v1/stores/${storeId}/legal-hold`, {
      reason: 'tax audit 2026',
      dataClasses: ['activity_logs'],
      until,
    });
    expect(hold.status).toBe(200);

    const requestId = randomUUID();
    const first = await call('POST', `/privacy/v1/stores/${storeId}/erasures`, {
      requestId,
      reason: 'merchant asked',
    });
    expect(first.status).toBe(202);
    const erasure = await waitForErasure(requestId);
    expect(erasure.status).toBe('completed');
    expect(erasure.receipt.kept).toEqual({
      dataClasses: ['activity_logs'],
      reason: 'tax audit 2026',
      until,
      count: 1,
    });
    expect(erasure.receipt.keyShredded).toBe(false);
    expect(await db('gateway').collection('test_activity').countDocuments({ storeId })).toBe(1);
    for (const def of SERVICES)
      expect(await db(def.name).collection('test_store_settings').countDocuments({ storeId })).toBe(0);

    // The same request id again: the same request back, nothing erased twice.
    const again = await call('POST', `/privacy/v1/stores/${storeId}/erasures`, {
      requestId,
      reason: 'merchant asked',
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(await call('GET', `/privacy/v1/erasures/${requestId}`).then((r) => r.json));
    expect(again.json.receipt.totalErased).toBe(erasure.receipt.totalErased);
    expect(await db('gateway').collection('test_activity').countDocuments({ storeId })).toBe(1);
  });

  it('a retention run deletes exactly the expired records of registered classes, across stores, and reports counts', async () => {
    const stores = [uniqueName('store-r1'), uniqueName('store-r2')];
    const old = new Date(Date.now() - 31 * DAY_MS);
    const recent = new Date(Date.now() - 29 * DAY_MS);
    for (const storeId of stores) {
      await db('gateway')
        .collection('test_activity')
        .insertMany([
          { storeId, createdAt: old, line: 'old' },
          { storeId, createdAt: recent, line: 'recent' },
        ]);
      // Configuration is kept while installed, however old.
      await db('gateway')
        .collection('test_store_settings')
        .insertOne({ storeId, createdAt: old, shopName: 'x' });
    }
    const started = await call('POST', '/privacy/v1/retention/runs');
    expect(started.status).toBe(202);
    const report = await waitFor(
      async () => {
        const r = await call('GET', `/privacy/v1/retention/runs/${started.json.runId}`);
        return r.json?.status === 'completed' ? r.json : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'retention run reported' },
    );
    for (const storeId of stores) {
      const lines = await db('gateway').collection('test_activity').find({ storeId }).toArray();
      expect(lines.map((l) => l.line)).toEqual(['recent']);
      expect(await db('gateway').collection('test_store_settings').countDocuments({ storeId })).toBe(1);
    }
    // Earlier tests' activity lines are recent: exactly the two expired ones went.
    expect(report.deletedByClassAndService.activity_logs.gateway).toBe(2);
    expect(Object.keys(report.services).sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });
});
