import { randomBytes } from 'node:crypto';

import { MongoConnection } from '@app/persistence';
import { integrationEnv, uniqueName } from '@app/testing';
import type { Model } from 'mongoose';

import {
  CryptoService,
  KeyringEntry,
  loadMasterKey,
  registerKeyringModel,
  StoreKeyRetiredError,
  StoreKeyShreddedError,
} from '../src';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const master = loadMasterKey({ MASTER_KEY: randomBytes(32).toString('base64') });

describe('CryptoService key versions (rotation, re-encryption, removal, shred; real MongoDB-wire server)', () => {
  const dbName = uniqueName('crypto-rotation');
  let mongo: MongoConnection;
  let keyring: Model<KeyringEntry>;
  let crypto: CryptoService;
  const store = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;
  /** Another service instance: its own cache, same keyring. */
  const instance = (cacheTtlMs?: number) =>
    new CryptoService(keyring, master, {
      logger: quiet,
      ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}),
    });

  beforeAll(async () => {
    mongo = new MongoConnection({ uri: integrationEnv().mongoUri, dbName, logger: quiet });
    keyring = registerKeyringModel(mongo);
    mongo.start();
    await mongo.whenReady(20_000);
    crypto = instance();
  });

  afterAll(async () => {
    await mongo.connection.db?.dropDatabase();
    await mongo.close();
  });

  it('a rotation activates a new version; values sealed before stay readable on every instance', async () => {
    const s = store('rotate');
    const other = instance(); // has the old key cached, as a busy instance would
    const before = await crypto.encrypt(s, 'sealed before', 'label');
    expect(await other.decryptString(s, before, 'label')).toBe('sealed before');

    const result = await crypto.rotate(s);
    expect(result).toMatchObject({ rotated: true, retiredKeyIds: [before.keyId] });
    expect(result.activeKeyId).not.toBe(before.keyId);

    const after = await crypto.encrypt(s, 'sealed after', 'label');
    expect(after.keyId).toBe(result.activeKeyId);
    // The other instance opens both: the old value with the retired version, the new one after a re-read.
    expect(await other.decryptString(s, before, 'label')).toBe('sealed before');
    expect(await other.decryptString(s, after, 'label')).toBe('sealed after');
    expect(await instance(0).decryptString(s, before, 'label')).toBe('sealed before');
    expect(await crypto.keyVersions(s)).toMatchObject({
      state: 'active',
      version: 1,
      activeKeyId: result.activeKeyId,
      retiredKeyIds: [before.keyId],
    });
  });

  it('another instance seals with the new version once its cache entry expires (the documented TTL)', async () => {
    const s = store('ttl');
    const shortCache = instance(200);
    const first = await shortCache.encrypt(s, 'x');
    const { activeKeyId } = await crypto.rotate(s);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await shortCache.encrypt(s, 'y')).keyId).toBe(activeKeyId);
    expect(first.keyId).not.toBe(activeKeyId);
  });

  it('reencrypt seals an old value under the active key, same plaintext and aad; a current value is left as is', async () => {
    const s = store('reencrypt');
    const old = await crypto.encrypt(s, 'odoo-api-key', 'odoo:api-key');
    const { activeKeyId } = await crypto.rotate(s);

    const stale = instance(); // never saw the rotation: reencrypt reads the keyring, not the cache
    const fresh = await stale.reencrypt(s, old, 'odoo:api-key');
    expect(fresh.keyId).toBe(activeKeyId);
    expect(fresh.ct).not.toBe(old.ct);
    expect(await crypto.decryptString(s, fresh, 'odoo:api-key')).toBe('odoo-api-key');
    expect(await crypto.reencrypt(s, fresh, 'odoo:api-key')).toBe(fresh);
    await expect(crypto.reencrypt(s, old, 'another label')).rejects.toThrow(/failed authentication/);
  });

  it('two instances rotating at once create exactly one new version', async () => {
    const s = store('race');
    const sealed = await crypto.encrypt(s, 'v0');
    const racers = [instance(), instance(), instance()];
    // Each instance builds the claim indexes on its first rotate (FerretDB runs those builds one after another),
    // so cold racers would not overlap: the first would rotate before the others read the key, and the later
    // ones would rightly rotate again from the newer key. Warmed up on a store without a key (a no-op), the
    // three read the same active key at once, which is what this test is about.
    await Promise.all(racers.map((c) => c.rotate(store('warm-up'))));
    const results = await Promise.all(racers.map((c) => c.rotate(s)));

    expect(results.filter((r) => r.rotated)).toHaveLength(1);
    const active = new Set(results.map((r) => r.activeKeyId));
    expect(active.size).toBe(1);
    const versions = await crypto.keyVersions(s);
    expect(versions).toMatchObject({ version: 1, retiredKeyIds: [sealed.keyId] });
    expect(versions.activeKeyId).toBe([...active][0]);
    for (const c of racers) expect(await c.decryptString(s, sealed)).toBe('v0');
    expect(await keyring.countDocuments({ storeId: s })).toBe(1);
  });

  it('removing a retired version after re-encryption makes only values left on it unreadable', async () => {
    const s = store('remove');
    const kept = await crypto.encrypt(s, 'will be re-encrypted');
    const leftBehind = await crypto.encrypt(s, 'an old Kafka copy');
    const { retiredKeyIds } = await crypto.rotate(s);
    const moved = await crypto.reencrypt(s, kept);

    expect(await crypto.removeRetiredKeys(s, retiredKeyIds)).toEqual(retiredKeyIds);
    expect(await crypto.removeRetiredKeys(s, retiredKeyIds)).toEqual([]); // idempotent
    expect(await crypto.decryptString(s, moved)).toBe('will be re-encrypted');
    for (const c of [crypto, instance(0)]) {
      await expect(c.decrypt(s, leftBehind)).rejects.toBeInstanceOf(StoreKeyRetiredError);
    }
    expect(await crypto.keyVersions(s)).toMatchObject({ retiredKeyIds: [], removedKeyIds: retiredKeyIds });

    // Erasure after that: the removed version's copies now say "shredded" like everything else.
    await crypto.shred(s);
    await expect(crypto.decrypt(s, leftBehind)).rejects.toBeInstanceOf(StoreKeyShreddedError);
    await expect(crypto.decrypt(s, moved)).rejects.toBeInstanceOf(StoreKeyShreddedError);
  });

  it('shred destroys every version: old and new ciphertexts both fail with "shredded"', async () => {
    const s = store('shred');
    const v0 = await crypto.encrypt(s, 'before the first rotation');
    await crypto.rotate(s);
    const v1 = await crypto.encrypt(s, 'between rotations');
    await crypto.rotate(s);
    const v2 = await crypto.encrypt(s, 'after the second rotation');

    expect(await crypto.shred(s)).toEqual({ shredded: true });
    const tombstone = await keyring.findOne({ storeId: s }).lean();
    expect(tombstone).not.toHaveProperty('retiredKeys');
    expect(tombstone).not.toHaveProperty('wrappedKey');
    expect(new Set(tombstone!.shreddedKeyIds)).toEqual(new Set([v0.keyId, v1.keyId, v2.keyId]));
    for (const c of [crypto, instance(0)]) {
      for (const value of [v0, v1, v2]) {
        await expect(c.decrypt(s, value)).rejects.toBeInstanceOf(StoreKeyShreddedError);
        await expect(c.decrypt(s, value)).rejects.toThrow(/was shredded; the data is unrecoverable/);
      }
    }
    expect(await crypto.rotate(s)).toEqual({ rotated: false, retiredKeyIds: [] });
  });

  it('a keyring document written before key versions existed keeps working and can be rotated', async () => {
    const s = store('legacy');
    const sealed = await crypto.encrypt(s, 'legacy value');
    await keyring.updateOne({ storeId: s }, { $unset: { version: 1, retiredKeys: 1, removedKeyIds: 1 } });
    const legacy = instance(0);
    expect(await legacy.decryptString(s, sealed)).toBe('legacy value');
    const { rotated, retiredKeyIds } = await legacy.rotate(s);
    expect(rotated).toBe(true);
    expect(retiredKeyIds).toEqual([sealed.keyId]);
    expect(await legacy.decryptString(s, sealed)).toBe('legacy value');
  });
});
