import { randomBytes } from 'node:crypto';

import {
  type EncryptedValue,
  ODOO_API_KEY_AAD,
  SALLA_ACCESS_TOKEN_AAD,
  SALLA_REFRESH_TOKEN_AAD,
} from '@app/contracts';
import {
  CryptoService,
  loadMasterKey,
  registerKeyringModel,
  StoreKeyRetiredError,
  StoreKeyShreddedError,
} from '@app/crypto';
import { MongoConnection } from '@app/persistence';
import { integrationEnv, PrivateInfra, waitFor } from '@app/testing';

import { sallaOrder } from '../../../test/e2e-observe/salla-orders';
import { ServiceStack } from '../../../test/e2e-observe/service-stack';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const ADMIN_KEY = randomBytes(24).toString('hex');

interface TokenDoc {
  accessToken?: EncryptedValue;
  refreshToken?: EncryptedValue;
}
interface ConnectionDoc {
  apiKey?: EncryptedValue;
}
interface ActivityLine {
  service: string;
  outcome: string;
  message?: string;
}

/**
 * An admin rotates a store's data key through the gateway's admin API, with the four services running as
 * processes against real Kafka and Mongo: the privacy service rotates, waits out the key caches, announces;
 * every service re-encrypts its sealed values and reports; the old version is then removed.
 */
describe('rotating a store data key from the admin API (whole stack as processes)', () => {
  let stack: ServiceStack;
  let mongo: MongoConnection;
  let infra: PrivateInfra | undefined;
  let restoreEnv = (): void => undefined;
  let crypto: CryptoService;

  beforeAll(async () => {
    // A Kafka and a FerretDB of this test's own: on the shared broker other suites' services read this store's
    // topics and dead-letter what they cannot open, which the gateway then indexes as the store's dead letters.
    infra = await PrivateInfra.start();
    restoreEnv = infra.useInThisProcess();
    await infra.createTopics();
    stack = await ServiceStack.start({
      privacy: true,
      envOf: {
        gateway: { ADMIN_API_KEYS: `rotation-test:admin:${ADMIN_KEY}` },
        // Production keeps the old version 14 days for messages still in Kafka; here it goes at once.
        'privacy-service': { PRIVACY_RETIRED_KEY_KEEP_MS: '0' },
      },
    });
    mongo = new MongoConnection({
      uri: integrationEnv().mongoUri,
      dbName: stack.databaseOf('keyring'),
      logger: quiet,
    });
    // A test-side instance with no key cache: it sees the keyring exactly as stored.
    crypto = new CryptoService(registerKeyringModel(mongo), loadMasterKey({ MASTER_KEY: stack.masterKey }), {
      logger: quiet,
      cacheTtlMs: 0,
    });
    mongo.start();
    await mongo.whenReady(20_000);
  }, 300_000);

  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
    await infra?.stop();
    restoreEnv();
  });

  const db = (app: 'salla-connector' | 'odoo-connector') =>
    mongo.connection.useDb(stack.databaseOf(app), { useCache: true });
  const tokenDoc = async (storeId: string) =>
    (await db('salla-connector')
      .collection('salla_tokens')
      .findOne({ _id: storeId as never })) as TokenDoc | null;
  const connectionDoc = async (storeId: string) =>
    (await db('odoo-connector')
      .collection('odoo_connections')
      .findOne({ _id: storeId as never })) as ConnectionDoc | null;
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.instance('gateway-1').url}/admin/v1${path}`, {
      ...init,
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json', ...init.headers },
    });

  it('re-encrypts the stored Salla tokens and Odoo API key, keeps old copies readable until the old version goes, and erasure still shreds every version', async () => {
    const storeId = await stack.installConnectedStore();
    await stack.waitForSyncReady(storeId);
    await waitFor(async () => !!(await tokenDoc(storeId))?.refreshToken, {
      timeoutMs: 60_000,
      description: 'sealed Salla tokens stored',
    });
    const tokensBefore = (await tokenDoc(storeId))!;
    const apiKeyBefore = (await connectionDoc(storeId))!.apiKey!;
    const oldKeyId = apiKeyBefore.keyId;
    expect(tokensBefore.accessToken!.keyId).toBe(oldKeyId);
    const secrets = {
      access: await crypto.decryptString(storeId, tokensBefore.accessToken!, SALLA_ACCESS_TOKEN_AAD),
      refresh: await crypto.decryptString(storeId, tokensBefore.refreshToken!, SALLA_REFRESH_TOKEN_AAD),
      odoo: await crypto.decryptString(storeId, apiKeyBefore, ODOO_API_KEY_AAD),
    };
    // Stands for a Kafka message sealed before the rotation (a webhook in a backlog, a dead letter).
    const oldMessage = await crypto.encrypt(storeId, 'sealed before the rotation', 'test:kafka-copy');

    const res = await admin(`/stores/${storeId}/key-rotations`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'routine rotation (test)' }),
    });
    expect(res.status).toBe(202);

    // The privacy service rotates at once: a new active version, the old one retired but still opening.
    await waitFor(async () => (await crypto.keyVersions(storeId)).version === 1, {
      timeoutMs: 60_000,
      description: 'key rotated by the privacy service',
    });
    const rotated = await crypto.keyVersions(storeId);
    expect(rotated.activeKeyId).not.toBe(oldKeyId);
    expect(rotated.retiredKeyIds).toEqual([oldKeyId]);
    expect(await crypto.decryptString(storeId, oldMessage, 'test:kafka-copy')).toBe(
      'sealed before the rotation',
    );

    // Once every service reported, the retired version is removed (after the ~65 s key-cache settle window).
    await waitFor(async () => (await crypto.keyVersions(storeId)).removedKeyIds.includes(oldKeyId), {
      timeoutMs: 240_000,
      intervalMs: 1_000,
      description: 'old key version removed after every service re-encrypted',
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${stack.diagnostics()}`);
    });
    const newKeyId = rotated.activeKeyId!;
    expect(await crypto.keyVersions(storeId)).toMatchObject({ activeKeyId: newKeyId, retiredKeyIds: [] });

    const tokensAfter = (await tokenDoc(storeId))!;
    const apiKeyAfter = (await connectionDoc(storeId))!.apiKey!;
    expect(tokensAfter.accessToken!.keyId).toBe(newKeyId);
    expect(tokensAfter.refreshToken!.keyId).toBe(newKeyId);
    expect(apiKeyAfter.keyId).toBe(newKeyId);
    expect(await crypto.decryptString(storeId, tokensAfter.accessToken!, SALLA_ACCESS_TOKEN_AAD)).toBe(
      secrets.access,
    );
    expect(await crypto.decryptString(storeId, tokensAfter.refreshToken!, SALLA_REFRESH_TOKEN_AAD)).toBe(
      secrets.refresh,
    );
    expect(await crypto.decryptString(storeId, apiKeyAfter, ODOO_API_KEY_AAD)).toBe(secrets.odoo);
    // A copy nobody re-encrypted is gone with the old version.
    await expect(crypto.decrypt(storeId, oldMessage, 'test:kafka-copy')).rejects.toBeInstanceOf(
      StoreKeyRetiredError,
    );

    // The activity log shows the rotation requested, each service's re-encryption, and its completion.
    await waitFor(
      async () => {
        const body = (await (await admin(`/stores/${storeId}/activity?limit=100`)).json()) as {
          items?: ActivityLine[];
        };
        const lines = (body.items ?? []).filter((l) => l.message?.startsWith('Data key rotation'));
        const by = (service: string, text: string) =>
          lines.some((l) => l.service === service && l.outcome === 'ok' && l.message!.includes(text));
        return (
          by('privacy-service', 'requested by admin:rotation-test') &&
          by('salla-connector', '2 stored secret(s) re-encrypted') &&
          by('odoo-connector', '1 stored secret(s) re-encrypted') &&
          by('gateway', 're-encrypted') &&
          by('privacy-service', 'completed')
        );
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'rotation lines in the admin activity log' },
    );

    // The services keep working from the re-encrypted documents: fresh processes (no key or client cached)
    // write an order to Odoo with the stored API key and call Salla with the stored token.
    await Promise.all([stack.restart('odoo-connector'), stack.restart('salla-connector')]);
    const since = stack.sim.calls.length;
    const order = sallaOrder(Number(storeId) * 10, 1);
    await stack.poster.post(storeId, 'order.created', order.data);
    await waitFor(() => stack.saleOrdersFor(new Set([order.reference])).length === 1, {
      timeoutMs: 120_000,
      description: 'order written to Odoo after the rotation',
    });
    const backfill = await admin(`/stores/${storeId}/backfills`, {
      method: 'POST',
      body: JSON.stringify({ resources: ['categories'] }),
    });
    expect(backfill.status).toBe(202);
    await waitFor(
      () =>
        stack.sim.calls
          .slice(since)
          .some((c) => c.storeId === storeId && c.kind === 'api' && c.status === 200),
      { timeoutMs: 120_000, description: 'a Salla API call with the re-encrypted token' },
    );

    // Erasure shreds every version: old and new ciphertexts both fail with "shredded".
    expect(await crypto.shred(storeId)).toEqual({ shredded: true });
    for (const [value, aad] of [
      [tokensBefore.accessToken!, SALLA_ACCESS_TOKEN_AAD],
      [tokensAfter.accessToken!, SALLA_ACCESS_TOKEN_AAD],
      [apiKeyAfter, ODOO_API_KEY_AAD],
      [oldMessage, 'test:kafka-copy'],
    ] as const) {
      await expect(crypto.decrypt(storeId, value, aad)).rejects.toBeInstanceOf(StoreKeyShreddedError);
    }
  }, 600_000);
});
