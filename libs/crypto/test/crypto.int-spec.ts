import { randomBytes } from 'node:crypto';

import { isEncryptedValue } from '@app/contracts';
import { MongoConnection } from '@app/persistence';
import { integrationEnv, uniqueName } from '@app/testing';
import type { Model } from 'mongoose';

import {
  CryptoService,
  DecryptionFailedError,
  EncryptedValue,
  KeyringEntry,
  KeyUnwrapError,
  loadMasterKey,
  registerKeyringModel,
  StoreKeyNotFoundError,
  StoreKeyShreddedError,
} from '../src';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const masterA = loadMasterKey({ MASTER_KEY: randomBytes(32).toString('base64') });
const masterB = loadMasterKey({ MASTER_KEY: randomBytes(32).toString('base64') });

/** Flips one bit of a base64 field. */
function flip(b64: string, byte = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[byte] ^= 0x01;
  return buf.toString('base64');
}

describe('CryptoService (envelope encryption, keyring in a real MongoDB-wire server)', () => {
  const dbName = uniqueName('crypto');
  let mongo: MongoConnection;
  let keyring: Model<KeyringEntry>;
  let crypto: CryptoService;
  const store = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    mongo = new MongoConnection({ uri: integrationEnv().mongoUri, dbName, logger: quiet });
    keyring = registerKeyringModel(mongo);
    mongo.start();
    await mongo.whenReady(20_000);
    crypto = new CryptoService(keyring, masterA, { logger: quiet });
  });

  afterAll(async () => {
    await mongo.connection.db?.dropDatabase();
    await mongo.close();
  });

  it('round-trips strings, buffers and JSON, producing the EncryptedValue contract shape', async () => {
    const s = store('roundtrip');
    const sealed = await crypto.encrypt(s, 'access-token-123 ✓');
    expect(isEncryptedValue(sealed)).toBe(true);
    expect(Object.keys(sealed).sort()).toEqual(['alg', 'ct', 'iv', 'keyId', 'tag', 'v']);
    expect(sealed).toMatchObject({ v: 1, alg: 'AES-256-GCM' });
    expect(JSON.stringify(sealed)).not.toContain('access-token-123');
    expect(await crypto.decryptString(s, sealed)).toBe('access-token-123 ✓');

    const bytes = randomBytes(100);
    expect((await crypto.decrypt(s, await crypto.encrypt(s, bytes))).equals(bytes)).toBe(true);

    const json = { token: 'abc', expiresAt: '2030-01-01T00:00:00.000Z', scopes: ['orders.read'], n: 1 };
    expect(await crypto.decryptJson(s, await crypto.encryptJson(s, json))).toEqual(json);

    // Same plaintext twice: different nonces, same store key.
    const again = await crypto.encrypt(s, 'access-token-123 ✓');
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.keyId).toBe(sealed.keyId);
  });

  it('creates one data key per store lazily, wrapped, and never stores it in the clear', async () => {
    const s = store('lazy');
    expect(await crypto.keyStatus(s)).toBe('none');
    const sealed = await crypto.encrypt(s, 'x');
    const entry = await keyring.findOne({ storeId: s }).lean();
    expect(entry).toMatchObject({
      storeId: s,
      state: 'active',
      keyId: sealed.keyId,
      masterKeyId: masterA.id,
    });
    expect(Buffer.from(entry!.wrappedKey!, 'base64')).toHaveLength(32);
    expect(entry!.createdAt).toBeInstanceOf(Date);
  });

  it('concurrent first encrypts from several instances agree on one key', async () => {
    const s = store('race');
    const instances = Array.from({ length: 4 }, () => new CryptoService(keyring, masterA, { logger: quiet }));
    const sealed = await Promise.all(
      instances.flatMap((c, i) => [c.encrypt(s, `v${i}`), c.encrypt(s, `w${i}`)]),
    );
    expect(new Set(sealed.map((v) => v.keyId)).size).toBe(1);
    expect(await keyring.countDocuments({ storeId: s })).toBe(1);
    for (const [i, v] of sealed.entries()) {
      expect(await crypto.decryptString(s, v)).toBe(`${i % 2 === 0 ? 'v' : 'w'}${Math.floor(i / 2)}`);
    }
  });

  it('a tampered ciphertext, tag, nonce or aad fails authentication', async () => {
    const s = store('tamper');
    const sealed = await crypto.encrypt(s, 'tamper with me', 'oauth:refresh');
    await expect(
      crypto.decrypt(s, { ...sealed, ct: flip(sealed.ct) }, 'oauth:refresh'),
    ).rejects.toBeInstanceOf(DecryptionFailedError);
    await expect(
      crypto.decrypt(s, { ...sealed, tag: flip(sealed.tag) }, 'oauth:refresh'),
    ).rejects.toBeInstanceOf(DecryptionFailedError);
    await expect(
      crypto.decrypt(s, { ...sealed, iv: flip(sealed.iv) }, 'oauth:refresh'),
    ).rejects.toBeInstanceOf(DecryptionFailedError);
    await expect(crypto.decrypt(s, sealed, 'oauth:access')).rejects.toBeInstanceOf(DecryptionFailedError);
    await expect(crypto.decrypt(s, sealed)).rejects.toThrow(/failed authentication/);
    expect(await crypto.decryptString(s, sealed, 'oauth:refresh')).toBe('tamper with me');
  });

  it("two stores' keys are independent: A's blob cannot be opened as B, and shredding A leaves B readable", async () => {
    const a = store('store-a');
    const b = store('store-b');
    const sealedA = await crypto.encrypt(a, 'secret of A');
    const sealedB = await crypto.encrypt(b, 'secret of B');
    expect(sealedA.keyId).not.toBe(sealedB.keyId);

    await expect(crypto.decrypt(b, sealedA)).rejects.toBeInstanceOf(StoreKeyNotFoundError);
    // Even relabelled with B's key id, A's blob fails: it was sealed under another key and bound to store A.
    await expect(crypto.decrypt(b, { ...sealedA, keyId: sealedB.keyId })).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );

    expect(await crypto.shred(a)).toEqual({ shredded: true });
    await expect(crypto.decrypt(a, sealedA)).rejects.toBeInstanceOf(StoreKeyShreddedError);
    expect(await crypto.decryptString(b, sealedB)).toBe('secret of B');
  });

  it('after shred, decrypting fails with a clear error; a later encrypt gets a new key', async () => {
    const s = store('shred');
    const before = await crypto.encrypt(s, 'erase me');
    const other = new CryptoService(keyring, masterA, { logger: quiet, cacheTtlMs: 0 }); // another instance, no cache
    expect(await other.decryptString(s, before)).toBe('erase me');

    expect(await crypto.shred(s)).toEqual({ shredded: true });
    expect(await crypto.shred(s)).toEqual({ shredded: false }); // idempotent
    expect(await crypto.keyStatus(s)).toBe('shredded');
    const tombstone = await keyring.findOne({ storeId: s }).lean();
    expect(tombstone).toMatchObject({ state: 'shredded', shreddedKeyIds: [before.keyId] });
    expect(tombstone).not.toHaveProperty('wrappedKey');
    expect(tombstone).not.toHaveProperty('keyId');

    for (const instance of [crypto, other]) {
      await expect(instance.decrypt(s, before)).rejects.toThrow(
        new RegExp(`^data key for store ${s} was shredded; the data is unrecoverable`),
      );
    }

    const after = await crypto.encrypt(s, 'new life');
    expect(after.keyId).not.toBe(before.keyId);
    expect(await other.decryptString(s, after)).toBe('new life');
    await expect(other.decrypt(s, before)).rejects.toBeInstanceOf(StoreKeyShreddedError);

    expect(await crypto.shred(store('never'))).toEqual({ shredded: false });
  });

  it('a store that never had a key is told apart from a shredded one', async () => {
    const sealed: EncryptedValue = await crypto.encrypt(store('somewhere'), 'x');
    await expect(crypto.decrypt(store('nowhere'), sealed)).rejects.toThrow(/never had a data key/);
  });

  it('the wrong master key cannot unwrap the store key', async () => {
    const s = store('master');
    const sealed = await crypto.encrypt(s, 'bound to master A');
    const wrongMaster = new CryptoService(keyring, masterB, { logger: quiet });
    await expect(wrongMaster.decrypt(s, sealed)).rejects.toThrow(
      new RegExp(`wrapped by master key ${masterA.id}, but this process holds master key ${masterB.id}`),
    );
    // Forging the fingerprint does not help: the wrap itself fails authentication.
    await keyring.updateOne({ storeId: s }, { $set: { masterKeyId: masterB.id } });
    await expect(wrongMaster.decrypt(s, sealed)).rejects.toBeInstanceOf(KeyUnwrapError);
    await expect(wrongMaster.encrypt(s, 'x')).rejects.toThrow(/could not be unwrapped/);
  });
});
