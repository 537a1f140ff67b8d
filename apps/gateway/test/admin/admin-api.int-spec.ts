/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are probed field by field */
import { randomBytes, randomUUID } from 'node:crypto';

import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

import type { RunningService } from '@app/bootstrap';
import { keyFor, Topic, topicSpecsFor } from '@app/contracts';
import { deadLetterHeaders, ensureTopics, EventPublisher, newEnvelope } from '@app/messaging';
import { integrationEnv, waitFor } from '@app/testing';

import { ADMIN_ROLES, ADMIN_ROUTES, type AdminRole, type AdminRouteId } from '../../src/admin/admin-routes';
import { signMerchantGrant } from '../../src/admin/grants/merchant-grant-token';
import { bootAdminGateway, callerFor, MERCHANT_SECRET, newStoreId, type Caller } from './admin-harness';

const WAIT = { timeoutMs: 60_000, intervalMs: 250 };

describe('admin API (real Kafka + Mongo, gateway in-process)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  let gateway: RunningService;
  let call: Caller;
  let kafka: Kafka;
  let producer: Producer;
  let publisher: EventPublisher;
  const consumers: Consumer[] = [];
  /** A store with a long-running operator grant: the matrix tests roles, not consent. */
  const grantedStore = newStoreId();

  beforeAll(async () => {
    ({ gateway } = await bootAdminGateway(kafkaBrokers, mongoUri));
    call = callerFor(gateway.url);
    kafka = new Kafka({ clientId: 'admin-int-spec', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    publisher = new EventPublisher(kafka);

    // The store appears in the read model from its lifecycle event and one failed sync result.
    await publisher.publish(
      Topic.StoreInstalled,
      newEnvelope(Topic.StoreInstalled, grantedStore, {
        scopes: ['products.read'],
        installedAt: new Date().toISOString(),
      }),
      { key: keyFor(grantedStore) },
    );
    await publisher.publish(
      Topic.OpsSyncResult,
      newEnvelope(Topic.OpsSyncResult, grantedStore, {
        service: 'odoo-connector',
        direction: 'salla_to_odoo',
        entityType: 'product',
        entityId: 'p-1',
        outcome: 'failed',
        message: 'Odoo rejected the product: missing UoM',
        errorCode: 'odoo.validation',
        eventId: randomUUID(),
        durationMs: 12,
      }),
      { key: keyFor(grantedStore) },
    );
    const granted = await call('POST', `/stores/${grantedStore}/grants`, {
      role: 'ops',
      body: { reason: 'matrix test needs business data', durationHours: 2 },
    });
    expect(granted.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    for (const c of consumers) await c.disconnect();
    await publisher?.close();
    await producer?.disconnect();
    await gateway?.stop();
  });

  /** Example requests per route: valid enough to pass validation, harmless (filters that match nothing). */
  const example = (id: AdminRouteId): { path: string; body?: unknown } => {
    const ghost = '0123456789abcdef01234567';
    const paths: Record<AdminRouteId, { path: string; body?: unknown }> = {
      listStores: { path: '/stores' },
      getStore: { path: `/stores/${grantedStore}` },
      listActivity: { path: `/stores/${grantedStore}/activity` },
      listGrants: { path: `/stores/${grantedStore}/grants` },
      createOperatorGrant: {
        path: `/stores/${newStoreId()}/grants`,
        body: { reason: 'matrix: role check only', durationHours: 1 },
      },
      redeemMerchantGrant: {
        path: `/stores/${grantedStore}/grants/merchant`,
        body: { token: 'not-a-valid-token' },
      },
      revokeGrant: { path: `/stores/${newStoreId()}/grants/none` },
      requestBackfill: { path: `/stores/${newStoreId()}/backfills`, body: { resources: ['products'] } },
      getBackfill: { path: `/stores/${grantedStore}/backfills/${randomUUID()}` },
      checkOdooConnection: { path: `/stores/${newStoreId()}/odoo-connection-checks` },
      rotateStoreKey: {
        path: `/stores/${newStoreId()}/key-rotations`,
        body: { reason: 'matrix role check' },
      },
      listDeadLetters: { path: '/dead-letters?storeId=nobody' },
      replayDeadLetter: { path: `/dead-letters/${ghost}/replay` },
      // A filter that matches nothing: the broker is shared, other dead letters are not ours to replay.
      replayDeadLetters: { path: '/dead-letters/replay', body: { storeId: 'nobody-at-all' } },
      discardDeadLetter: { path: `/dead-letters/${ghost}/discard`, body: { reason: 'matrix role check' } },
      queryAudit: { path: `/audit?storeId=${grantedStore}` },
      healthOverview: { path: '/health' },
    };
    return paths[id];
  };

  const matrix = (Object.keys(ADMIN_ROUTES) as AdminRouteId[]).flatMap((id) =>
    ADMIN_ROLES.map((role) => ({
      id,
      role,
      allowed: (ADMIN_ROUTES[id].roles as readonly AdminRole[]).includes(role),
    })),
  );

  it.each(matrix)('$role on $id: allowed=$allowed', async ({ id, role, allowed }) => {
    const { path, body } = example(id);
    const res = await call(ADMIN_ROUTES[id].method, path, { role, body });
    if (allowed) {
      // Allowed by role: whatever the domain answer (200, 201, 202, 204, 404, 403 for a forged merchant
      // token), never 401, never a server error, and never the role refusal.
      expect(res.status).toBeLessThan(500);
      expect(res.status).not.toBe(401);
      if (id !== 'redeemMerchantGrant') expect(res.status).not.toBe(403);
    } else {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, message: 'Forbidden' });
    }
  });

  it('refuses missing and wrong credentials with a bare 401', async () => {
    const none = await call('GET', '/stores');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call('GET', '/stores', {
      headers: { authorization: `Bearer ${randomBytes(20).toString('hex')}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
  });

  it('lists the store with its install state, last sync and error counts', async () => {
    const listed = await waitFor(
      async () => {
        const res = await call('GET', `/stores?q=${grantedStore}`, { role: 'support' });
        const item = (res.body.items as Array<Record<string, any>>)[0];
        return item?.installState === 'installed' && item.sync.failed === 1 ? item : null;
      },
      { ...WAIT, description: 'store projected' },
    );
    expect(listed.sync.lastSyncAt).toEqual(expect.any(String));
    expect(listed.odoo.state).toBe('unknown');
    expect(listed).not.toHaveProperty('profile');
  });

  it('support sees business data only while a grant is active: 403 (audited) → 200 → 403 after expiry', async () => {
    const store = newStoreId();
    const before = await call('GET', `/stores/${store}/activity`, { role: 'support' });
    expect(before.status).toBe(403);

    const token = signMerchantGrant(
      {
        storeId: store,
        nonce: randomBytes(12).toString('hex'),
        exp: Math.floor(Date.now() / 1000) + 600,
        grantSeconds: 3,
      },
      MERCHANT_SECRET,
    );
    const redeemed = await call('POST', `/stores/${store}/grants/merchant`, {
      role: 'support',
      body: { token },
    });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({ source: 'merchant', active: true });
    // The same link grants once.
    expect(
      (await call('POST', `/stores/${store}/grants/merchant`, { role: 'support', body: { token } })).status,
    ).toBe(409);
    // A link signed for another store does not open this one.
    const foreign = signMerchantGrant(
      {
        storeId: newStoreId(),
        nonce: randomBytes(12).toString('hex'),
        exp: Math.floor(Date.now() / 1000) + 600,
        grantSeconds: 60,
      },
      MERCHANT_SECRET,
    );
    expect(
      (await call('POST', `/stores/${store}/grants/merchant`, { role: 'support', body: { token: foreign } }))
        .status,
    ).toBe(403);

    const during = await call('GET', `/stores/${store}/activity`, { role: 'support' });
    expect(during.status).toBe(200);
    expect(during.body).toEqual({ items: [], nextBefore: null });

    await waitFor(
      async () => (await call('GET', `/stores/${store}/activity`, { role: 'support' })).status === 403,
      {
        ...WAIT,
        description: 'grant expired',
      },
    );

    const audit = await waitFor(
      async () => {
        const res = await call('GET', `/audit?storeId=${store}`, { role: 'compliance' });
        const items = res.body.items as Array<Record<string, unknown>>;
        return items.filter((r) => r.route === '/admin/v1/stores/:id/activity').length >= 3 ? items : null;
      },
      { ...WAIT, description: 'audit of the consent flow' },
    );
    const activity = audit.filter((r) => r.route === '/admin/v1/stores/:id/activity');
    expect(activity.map((r) => r.status)).toEqual(expect.arrayContaining([403, 200]));
    expect(activity.find((r) => r.status === 403)).toMatchObject({
      actor: 'support-key',
      roles: ['support'],
      storeId: store,
      method: 'GET',
      outcome: 'denied',
      userAgent: 'admin-int-spec',
      ip: '127.0.0.1',
    });
  });

  it('ops can revoke a grant, after which support is refused again', async () => {
    const store = newStoreId();
    const grant = await call('POST', `/stores/${store}/grants`, {
      role: 'ops',
      body: { reason: 'ticket 42: order missing in Odoo', durationHours: 24 },
    });
    expect(grant.status).toBe(201);
    expect((await call('GET', `/stores/${store}/activity`, { role: 'support' })).status).toBe(200);
    expect(
      (await call('DELETE', `/stores/${store}/grants/${String(grant.body.grantId)}`, { role: 'ops' })).status,
    ).toBe(204);
    expect((await call('GET', `/stores/${store}/activity`, { role: 'support' })).status).toBe(403);
    const tooLong = await call('POST', `/stores/${store}/grants`, {
      role: 'ops',
      body: { reason: 'a whole month please', durationHours: 24 * 30 },
    });
    expect(tooLong.status).toBe(400);
  });

  it('records every admin request, refused ones included, for compliance', async () => {
    const ua = `audit-probe-${randomBytes(4).toString('hex')}`;
    await call('GET', '/stores', { headers: { 'user-agent': ua } }); // 401
    await call('GET', '/dead-letters', { role: 'support', headers: { 'user-agent': ua } }); // 403
    await call('GET', '/health', { role: 'ops', headers: { 'user-agent': ua } }); // 200
    const records = await waitFor(
      async () => {
        const res = await call('GET', '/audit?limit=500', { role: 'compliance' });
        const mine = (res.body.items as Array<Record<string, unknown>>).filter((r) => r.userAgent === ua);
        return mine.length === 3 ? mine : null;
      },
      { ...WAIT, description: 'three audit records' },
    );
    expect(records.map((r) => [r.route, r.status, r.outcome, r.actor ?? null]).sort()).toEqual(
      [
        ['/admin/v1/dead-letters', 403, 'denied', 'support-key'],
        ['/admin/v1/health', 200, 'allowed', 'ops-key'],
        ['/admin/v1/stores', 401, 'denied', null],
      ].sort(),
    );
    for (const r of records) expect(r).not.toHaveProperty('storeId');
  });

  it('replays a dead letter to its source topic exactly once, with its key and original bytes', async () => {
    const store = newStoreId();
    const source = Topic.CatalogProductUpserted;
    const key = keyFor(store, 'prod-7');
    const value = JSON.stringify(
      newEnvelope(source, store, { productId: 'prod-7', note: 'as the producer sent it' }),
    );
    // What a connector's ReliableConsumer writes after giving up on a message.
    await producer.send({
      topic: `${source}.dlt`,
      messages: [
        {
          key,
          value,
          headers: deadLetterHeaders(
            { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
            {
              reason: 'permanent: Odoo ValidationError: UoM missing',
              service: 'odoo-connector',
              sourceTopic: source,
              sourcePartition: 2,
              sourceOffset: '41',
              attempts: 1,
              failedAt: new Date(),
            },
          ),
        },
      ],
    });

    const letter = await waitFor(
      async () => {
        const res = await call('GET', `/dead-letters?storeId=${store}`, { role: 'ops' });
        return (res.body.items as Array<Record<string, unknown>>)[0] ?? null;
      },
      { ...WAIT, description: 'dead letter indexed' },
    );
    expect(letter).toMatchObject({
      storeId: store,
      sourceTopic: source,
      key,
      reason: 'permanent: Odoo ValidationError: UoM missing',
      attempts: 1,
      service: 'odoo-connector',
      sourcePartition: 2,
      sourceOffset: '41',
      state: 'parked',
      replayable: true,
    });
    expect(JSON.stringify(letter)).not.toContain('as the producer sent it');

    const seen: Array<{ value: string; headers: Record<string, string> }> = [];
    const consumer = kafka.consumer({ groupId: `admin-replay-${randomBytes(4).toString('hex')}` });
    consumers.push(consumer);
    await consumer.connect();
    // On a fresh broker nothing has created the source topic yet (the gateway neither consumes nor produces it).
    await ensureTopics(kafka, topicSpecsFor([source]));
    await consumer.subscribe({ topic: source, fromBeginning: false });
    let assigned = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      assigned = true;
    });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() !== key) return Promise.resolve();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({ value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    await waitFor(() => assigned, { ...WAIT, description: 'replay watcher joined' });

    const replayed = await call('POST', `/dead-letters/${String(letter.id)}/replay`, { role: 'ops' });
    expect(replayed.status).toBe(200);
    expect((await call('POST', `/dead-letters/${String(letter.id)}/replay`, { role: 'admin' })).status).toBe(
      409,
    );
    const bulk = await call('POST', '/dead-letters/replay', { role: 'ops', body: { storeId: store } });
    expect(bulk.body).toMatchObject({ replayed: 0 });
    expect(
      (
        await call('POST', `/dead-letters/${String(letter.id)}/discard`, {
          role: 'ops',
          body: { reason: 'too late' },
        })
      ).status,
    ).toBe(409);

    // A marker after everything: once it arrives (same key → same partition, in order), any duplicate would have too.
    await producer.send({ topic: source, messages: [{ key, value: 'marker' }] });
    await waitFor(() => seen.some((m) => m.value === 'marker'), { ...WAIT, description: 'marker seen' });
    const replays = seen.filter((m) => m.value !== 'marker');
    expect(replays).toHaveLength(1);
    expect(replays[0]?.value).toBe(value);
    expect(replays[0]?.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(Object.keys(replays[0]?.headers ?? {}).filter((h) => h.startsWith('x-dlt-'))).toEqual([]);

    const after = await call('GET', `/dead-letters?storeId=${store}`, { role: 'ops' });
    expect((after.body.items as Array<Record<string, unknown>>)[0]).toMatchObject({
      state: 'replayed',
      stateChangedBy: 'ops:ops-key',
    });
  });

  it('a backfill request publishes BackfillRequested and its progress is followed from the projection', async () => {
    const store = newStoreId();
    const started = await call('POST', `/stores/${store}/backfills`, {
      role: 'ops',
      body: { resources: ['products'] },
    });
    expect(started.status).toBe(202);
    const runId = String(started.body.runId);
    expect(
      (await call('GET', `/stores/${store}/backfills/${runId}`, { role: 'support' })).body,
    ).toMatchObject({ state: 'requested', requestedBy: 'ops:ops-key' });
    await publisher.publish(
      Topic.OpsBackfillProgress,
      newEnvelope(Topic.OpsBackfillProgress, store, {
        runId,
        resource: 'products',
        state: 'running',
        done: 40,
        total: 100,
        updatedAt: new Date().toISOString(),
      }),
      { key: keyFor(store) },
    );
    const progress = await waitFor(
      async () => {
        const res = await call('GET', `/stores/${store}/backfills/${runId}`, { role: 'support' });
        return res.body.state === 'running' ? res.body : null;
      },
      { ...WAIT, description: 'progress projected' },
    );
    expect(progress.resources).toEqual([
      expect.objectContaining({ resource: 'products', done: 40, total: 100 }),
    ]);
  });

  it('serves a valid OpenAPI 3 document describing every admin route, and a docs page', async () => {
    const res = await fetch(`${gateway.url}/admin/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, any>>;
      components: any;
    };
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    for (const route of Object.values(ADMIN_ROUTES)) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op).toBeDefined();
      const declared = (op.parameters ?? [])
        .filter((p: any) => p.in === 'path')
        .map((p: any) => p.name)
        .sort();
      expect(declared).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    const page = await fetch(`${gateway.url}/admin/v1/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/admin/v1/openapi.json');
  });
});
