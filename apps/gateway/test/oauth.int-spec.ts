import { randomBytes, randomInt } from 'node:crypto';

import { Kafka, logLevel, type Consumer } from 'kafkajs';
import mongoose from 'mongoose';

import { runService, type RunningService } from '@app/bootstrap';
import { SALLA_ACCESS_TOKEN_AAD, SALLA_REFRESH_TOKEN_AAD, Topic, type EncryptedValue } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import {
  freePort,
  integrationEnv,
  startFakeSallaOAuth,
  uniqueName,
  waitFor,
  type FakeSallaOAuth,
} from '@app/testing';

import { GatewayService } from '../src/gateway.service';
import { OAuthStateRepository } from '../src/oauth/oauth-state.repository';
import { OAUTH_STATE_COLLECTION } from '../src/oauth/oauth-state.schema';

interface SeenMessage {
  key: string;
  raw: Buffer;
  headers: string;
  event: {
    storeId: string;
    type: string;
    payload: {
      accessToken: EncryptedValue;
      refreshToken?: EncryptedValue;
      expiresAt: string;
      scopes: string[];
      tokenType: string;
    };
  };
}

const CLIENT_ID = 'fake-client-id';
const CLIENT_SECRET = 'fake-client-secret-value';
// The gateway's public callback URL as registered on Salla; the test calls the in-process gateway instead.
const REDIRECT_URL = 'https://gateway.example.test/oauth/salla/callback';
const DAY_MS = 24 * 3600 * 1000;

const newMerchantId = (): string => String(randomInt(100_000_000, 999_999_999));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('gateway custom-mode Salla OAuth (real Kafka + Mongo, fake Salla)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('oauth');
  const dbOf = (name: string): string => `${run}-${name}`.replace(/-/g, '_');
  const baseEnv = {
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGODB_URI: mongoUri,
    KEYRING_DB: dbOf('keyring'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    SALLA_WEBHOOK_SECRET: 'oauth-test-webhook-secret',
    LOG_LEVEL: 'error',
    OTEL_ENABLED: 'false',
  };
  let fake: FakeSallaOAuth;
  let gateway: RunningService;
  let consumer: Consumer;
  let mongo: mongoose.Connection;
  const seen: SeenMessage[] = [];
  const messagesFor = (storeId: string): SeenMessage[] => seen.filter((m) => m.key === storeId);

  beforeAll(async () => {
    fake = await startFakeSallaOAuth({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URL,
    });
    gateway = await runService(GatewayService, {
      env: {
        ...baseEnv,
        MONGODB_DB: dbOf('gateway'),
        KAFKA_GROUP_ID: `${run}-gateway`,
        SALLA_OAUTH_URL: fake.url,
        SALLA_CLIENT_ID: CLIENT_ID,
        SALLA_CLIENT_SECRET: CLIENT_SECRET,
        SALLA_OAUTH_REDIRECT_URL: REDIRECT_URL,
      },
    });
    await waitFor(async () => (await fetch(`${gateway.url}/health/ready`)).status === 200, {
      timeoutMs: 60_000,
      description: 'gateway ready',
    });
    const kafka = new Kafka({ clientId: run, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: `${run}-observer` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topic.StoreAuthorized, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const raw = message.value ?? Buffer.alloc(0);
        seen.push({
          key: message.key?.toString() ?? '',
          raw,
          headers: JSON.stringify(
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          ),
          event: JSON.parse(raw.toString('utf8')),
        });
        return Promise.resolve();
      },
    });
    mongo = await mongoose.createConnection(mongoUri, { dbName: dbOf('gateway') }).asPromise();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await mongo?.close();
    await gateway?.stop();
    await fake?.close();
  });

  /** GET /oauth/salla/install: the 302 to Salla's authorize page, and the state in it. */
  async function startInstall(): Promise<{ authorizeUrl: URL; state: string }> {
    const res = await fetch(`${gateway.url}/oauth/salla/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const authorizeUrl = new URL(res.headers.get('location') ?? '');
    return { authorizeUrl, state: authorizeUrl.searchParams.get('state') ?? '' };
  }

  /** The merchant approves on (fake) Salla: the query Salla sends back to the callback. */
  async function approveOnSalla(authorizeUrl: URL, merchantId: string): Promise<URLSearchParams> {
    fake.authorizeAs(merchantId);
    const res = await fetch(authorizeUrl, { redirect: 'manual' });
    fake.authorizeAs(undefined);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URL);
    return back.searchParams;
  }

  async function callback(
    query: Record<string, string> | URLSearchParams,
  ): Promise<{ status: number; html: string }> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${gateway.url}/oauth/salla/callback?${qs}`, { redirect: 'manual' });
    return { status: res.status, html: await res.text() };
  }

  const tokenCallsWithCode = (code: string): number =>
    fake.calls.filter((c) => c.path === '/oauth2/token' && c.form?.code === code).length;

  /** Publishing happens before the answer, so a short pause lets the observer catch up before counting. */
  async function expectMessagesFor(storeId: string, count: number): Promise<SeenMessage[]> {
    if (count > 0) {
      await waitFor(() => messagesFor(storeId).length >= count, {
        timeoutMs: 20_000,
        description: `${count} StoreAuthorized for ${storeId}`,
      });
    }
    await sleep(1000);
    const found = messagesFor(storeId);
    expect(found).toHaveLength(count);
    return found;
  }

  let connected: { merchantId: string; callbackQuery: URLSearchParams; code: string };

  it('install → Salla → callback publishes one StoreAuthorized with the tokens sealed, then shows the page', async () => {
    const merchantId = newMerchantId();
    const { authorizeUrl, state } = await startInstall();
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${fake.url}/auth`);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toEqual({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URL,
      scope: 'offline_access',
      state,
    });
    expect(state).toMatch(/^[0-9a-f]{64}$/);

    const back = await approveOnSalla(authorizeUrl, merchantId);
    const code = back.get('code') ?? '';
    const page = await callback(back);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Your store is connected');

    const [msg] = await expectMessagesFor(merchantId, 1);
    const issued = fake.issued.find((t) => t.merchantId === merchantId)!;
    expect(issued.refreshToken).toBeDefined();
    expect(msg.event).toMatchObject({ storeId: merchantId, type: Topic.StoreAuthorized });
    const crypto = gateway.app.get(CryptoService);
    const { payload } = msg.event;
    expect(await crypto.decryptString(merchantId, payload.accessToken, SALLA_ACCESS_TOKEN_AAD)).toBe(
      issued.accessToken,
    );
    expect(await crypto.decryptString(merchantId, payload.refreshToken!, SALLA_REFRESH_TOKEN_AAD)).toBe(
      issued.refreshToken,
    );
    expect(new Date(payload.expiresAt).getTime()).toBe((issued.response.expires as number) * 1000);
    expect(payload.scopes).toEqual(['offline_access']);
    expect(payload.tokenType).toBe('bearer');
    for (const secret of [issued.accessToken, issued.refreshToken!, code, CLIENT_SECRET]) {
      expect(msg.raw.includes(secret)).toBe(false);
      expect(msg.headers).not.toContain(secret);
      expect(page.html).not.toContain(secret);
    }
    // One exchange, form-encoded, with everything Salla checks.
    expect(tokenCallsWithCode(code)).toBe(1);
    expect(fake.calls.find((c) => c.form?.code === code)?.form).toEqual({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: REDIRECT_URL,
    });
    const metricsText = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metricsText).toMatch(/gateway_oauth_installs_total\{[^}]*outcome="connected"[^}]*\} 1/);
    connected = { merchantId, callbackQuery: back, code };
  });

  it('refuses a reused state: the same callback again, or the used state with a fresh code', async () => {
    const { merchantId, callbackQuery, code } = connected;
    const again = await callback(callbackQuery);
    expect(again.status).toBe(400);
    expect(again.html).toContain('not valid');
    expect(again.html).toContain('href="install"');

    const freshCode = fake.issueCode(merchantId);
    const withFreshCode = await callback({ code: freshCode, state: callbackQuery.get('state')! });
    expect(withFreshCode.status).toBe(400);
    expect(tokenCallsWithCode(code)).toBe(1);
    expect(tokenCallsWithCode(freshCode)).toBe(0);
    await expectMessagesFor(merchantId, 1);
  });

  it('refuses an unknown (forged or App-Store) state without exchanging the code', async () => {
    const merchantId = newMerchantId();
    const code = fake.issueCode(merchantId);
    for (const state of [randomBytes(32).toString('hex'), 'x', '']) {
      const page = await callback({ code, state });
      expect(page.status).toBe(400);
    }
    const noState = await callback({ code });
    expect(noState.status).toBe(400);
    expect(tokenCallsWithCode(code)).toBe(0);
    await expectMessagesFor(merchantId, 0);
  });

  it('compares states with hyphens stripped', async () => {
    const merchantId = newMerchantId();
    const { state } = await startInstall();
    const hyphenated = state.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    expect(hyphenated).toContain('-');
    const page = await callback({ code: fake.issueCode(merchantId), state: hyphenated });
    expect(page.status).toBe(200);
    await expectMessagesFor(merchantId, 1);
  });

  it('lets only one of several racing callbacks with the same state through', async () => {
    const merchantIds: string[] = [];
    for (let round = 0; round < 3; round++) {
      const merchantId = newMerchantId();
      merchantIds.push(merchantId);
      const { state } = await startInstall();
      const codes = Array.from({ length: 4 }, () => fake.issueCode(merchantId));
      const pages = await Promise.all(codes.map((code) => callback({ code, state })));
      expect(pages.map((p) => p.status).sort()).toEqual([200, 400, 400, 400]);
      expect(codes.map(tokenCallsWithCode).sort()).toEqual([0, 0, 0, 1]);
    }
    for (const merchantId of merchantIds) await expectMessagesFor(merchantId, 1);
  });

  it('refuses an expired state', async () => {
    const merchantId = newMerchantId();
    const { state } = await startInstall();
    const updated = await mongo
      .collection(OAUTH_STATE_COLLECTION)
      .updateOne({ state }, { $set: { createdAt: new Date(Date.now() - 11 * 60_000) } });
    expect(updated.modifiedCount).toBe(1);
    const code = fake.issueCode(merchantId);
    const page = await callback({ code, state });
    expect(page.status).toBe(400);
    expect(tokenCallsWithCode(code)).toBe(0);
    await expectMessagesFor(merchantId, 0);

    // Retention: the sweep deletes expired states (there is no TTL index).
    const swept = await gateway.app.get(OAuthStateRepository).sweepExpired();
    expect(swept.deleted).toBeGreaterThanOrEqual(1);
    expect(await mongo.collection(OAUTH_STATE_COLLECTION).countDocuments({ state })).toBe(0);
  });

  it('answers 502 and publishes nothing when Salla rejects the code (invalid_grant)', async () => {
    // The code of the first install was exchanged already: Salla's codes are single-use.
    const { code, merchantId } = connected;
    const { state } = await startInstall();
    const page = await callback({ code, state });
    expect(page.status).toBe(502);
    expect(page.html).toContain('Please start the installation again');
    const last = fake.calls.filter((c) => c.path === '/oauth2/token').pop();
    expect(last?.status).toBe(400);
    await expectMessagesFor(merchantId, 1); // still only the first install's

    const neverIssued = await callback({ code: 'ory_ac_never-issued', state: (await startInstall()).state });
    expect(neverIssued.status).toBe(502);
  });

  it('handles expires_in (seconds) instead of expires, and a bare user-info answer', async () => {
    fake.configure({ tokenExpiry: 'expires_in', userInfoShape: 'bare' });
    try {
      const merchantId = newMerchantId();
      const { authorizeUrl } = await startInstall();
      const before = Date.now();
      const page = await callback(await approveOnSalla(authorizeUrl, merchantId));
      expect(page.status).toBe(200);
      const issued = fake.issued.find((t) => t.merchantId === merchantId)!;
      expect(issued.response.expires_in).toBe(14 * 24 * 3600);
      expect(issued.response.expires).toBeUndefined();
      const [msg] = await expectMessagesFor(merchantId, 1);
      const expiresAt = new Date(msg.event.payload.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 14 * DAY_MS - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 14 * DAY_MS + 1000);
    } finally {
      fake.configure({ tokenExpiry: 'expires', userInfoShape: 'wrapped' });
    }
  });

  it('answers 404 with a clear message when custom mode is not configured', async () => {
    const plain = await runService(GatewayService, {
      env: {
        ...baseEnv,
        MONGODB_DB: dbOf('gateway-plain'),
        KAFKA_GROUP_ID: `${run}-gateway-plain`,
        SALLA_CLIENT_ID: CLIENT_ID, // without the secret and redirect URL custom mode stays off
      },
    });
    try {
      for (const path of ['/oauth/salla/install', '/oauth/salla/callback?code=x&state=y']) {
        const res = await fetch(`${plain.url}${path}`, { redirect: 'manual' });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ message: 'custom-mode OAuth is not configured' });
      }
    } finally {
      await plain.stop();
    }
  });

  it('answers 503 "try again" when the tokens cannot be published (Kafka unreachable)', async () => {
    const cut = await runService(GatewayService, {
      env: {
        ...baseEnv,
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, // nothing listens there
        LOG_LEVEL: 'fatal', // kafkajs reports every refused connection at error level
        MONGODB_DB: dbOf('gateway-cut'),
        KAFKA_GROUP_ID: `${run}-gateway-cut`,
        SALLA_OAUTH_URL: fake.url,
        SALLA_CLIENT_ID: CLIENT_ID,
        SALLA_CLIENT_SECRET: CLIENT_SECRET,
        SALLA_OAUTH_REDIRECT_URL: REDIRECT_URL,
      },
    });
    try {
      // Mongo connects in the background: the install route answers once the state can be stored.
      const location = await waitFor(
        async () => {
          const res = await fetch(`${cut.url}/oauth/salla/install`, { redirect: 'manual' });
          return res.status === 302 ? res.headers.get('location') : null;
        },
        { timeoutMs: 30_000, description: 'install redirect from the gateway without Kafka' },
      );
      const state = new URL(location).searchParams.get('state')!;
      const merchantId = newMerchantId();
      const started = Date.now();
      const res = await fetch(
        `${cut.url}/oauth/salla/callback?${new URLSearchParams({ code: fake.issueCode(merchantId), state }).toString()}`,
      );
      const html = await res.text();
      expect(res.status).toBe(503);
      expect(html).toContain('try again');
      expect(Date.now() - started).toBeLessThan(30_000);
      const issued = fake.issued.find((t) => t.merchantId === merchantId)!;
      expect(html).not.toContain(issued.accessToken);
    } finally {
      await cut.stop();
    }
  });
});
