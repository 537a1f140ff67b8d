import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';

import { ENCRYPTED_VALUE_ALGORITHM, EncryptedValue, isEncryptedValue } from '@app/contracts';
import { assertStoreId, isDuplicateKeyError, Stored } from '@app/persistence';
import { Logger } from '@nestjs/common';
import type { Model } from 'mongoose';

import {
  CryptoError,
  DecryptionFailedError,
  InvalidEncryptedValueError,
  KeyUnwrapError,
  StoreKeyNotFoundError,
  StoreKeyShreddedError,
} from './errors';
import { CachedKey, KeyCache } from './key-cache';
import { KeyringEntry, KeyringRepository } from './keyring';
import type { MasterKey } from './master-key';

export interface CryptoOptions {
  /** How long an unwrapped data key stays in memory. Default 60 000 ms; 0 disables the cache. */
  cacheTtlMs?: number;
  /** At most this many stores' keys in memory. Default 1 000. */
  cacheMaxEntries?: number;
  /** Gets only store ids, key ids and fingerprints; never key material or plaintext. */
  logger?: { log(message: string): void; warn(message: string): void };
}

const GCM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Additional data binding a sealed value to its store and key (and the caller's aad). Unambiguous JSON. */
function valueAad(storeId: string, keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(JSON.stringify(['salla-odoo-sync/value/v1', storeId, keyId, aad ?? null]), 'utf8');
}

/** Additional data binding a wrapped data key to its keyring slot, so wrapped keys cannot be swapped. */
function wrapAad(storeId: string, keyId: string): Buffer {
  return Buffer.from(JSON.stringify(['salla-odoo-sync/keyring/v1', storeId, keyId]), 'utf8');
}

/**
 * Envelope encryption per store: each store has one random 256-bit data key, kept in the keyring collection
 * wrapped by the master key; values are sealed with AES-256-GCM under the store's data key, with the store id
 * (and the optional caller `aad`) as additional authenticated data. `shred(storeId)` destroys the data key,
 * which makes every value sealed for that store unreadable: crypto-shredding for store erasure.
 */
export class CryptoService {
  readonly #keyring: KeyringRepository;
  readonly #master: MasterKey;
  readonly #cache: KeyCache;
  readonly #logger: NonNullable<CryptoOptions['logger']>;
  /** Bumped by every shred: a key loaded before a shred finished is not put back into the cache. */
  #generation = 0;

  constructor(keyringModel: Model<KeyringEntry>, masterKey: MasterKey, options: CryptoOptions = {}) {
    this.#keyring = new KeyringRepository(keyringModel);
    this.#master = masterKey;
    this.#cache = new KeyCache(options.cacheMaxEntries ?? 1_000, options.cacheTtlMs ?? 60_000);
    this.#logger = options.logger ?? new Logger('CryptoService');
  }

  /** Fingerprint of the master key in use (safe to log). */
  get masterKeyId(): string {
    return this.#master.id;
  }

  /**
   * Seals `plaintext` for `storeId`. Creates the store's data key on first use (race-safe). An empty
   * plaintext is refused: the EncryptedValue contract requires a non-empty `ct`.
   */
  async encrypt(storeId: string, plaintext: string | Buffer, aad?: string): Promise<EncryptedValue> {
    assertStoreId(storeId, 'crypto.encrypt');
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    if (!Buffer.isBuffer(data)) throw new TypeError('crypto.encrypt: plaintext must be a string or a Buffer');
    if (data.length === 0) throw new CryptoError('crypto.encrypt: refusing to encrypt an empty value');
    const { keyId, key } = await this.#activeKey(storeId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(GCM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(valueAad(storeId, keyId, aad));
    const ct = Buffer.concat([cipher.update(data), cipher.final()]);
    return {
      v: 1,
      alg: ENCRYPTED_VALUE_ALGORITHM,
      keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  }

  /**
   * Opens a value sealed for `storeId` (with the same `aad`). Throws `StoreKeyShreddedError` after a shred,
   * `StoreKeyNotFoundError` for a key the store never had, `DecryptionFailedError` when authentication fails
   * (tampered, copied from another store, other aad), `KeyUnwrapError` with the wrong master key.
   */
  async decrypt(storeId: string, value: EncryptedValue, aad?: string): Promise<Buffer> {
    assertStoreId(storeId, 'crypto.decrypt');
    if (!isEncryptedValue(value)) {
      throw new InvalidEncryptedValueError(
        `crypto.decrypt: not an EncryptedValue v1 (${ENCRYPTED_VALUE_ALGORITHM}, base64 parts)`,
      );
    }
    const key = await this.#keyFor(storeId, value.keyId);
    try {
      const decipher = createDecipheriv(GCM, key, Buffer.from(value.iv, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(valueAad(storeId, value.keyId, aad));
      decipher.setAuthTag(Buffer.from(value.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(value.ct, 'base64')), decipher.final()]);
    } catch {
      throw new DecryptionFailedError(storeId);
    }
  }

  async decryptString(storeId: string, value: EncryptedValue, aad?: string): Promise<string> {
    return (await this.decrypt(storeId, value, aad)).toString('utf8');
  }

  /** `JSON.stringify(data)` sealed; `undefined` (not representable in JSON) is refused. */
  async encryptJson(storeId: string, data: unknown, aad?: string): Promise<EncryptedValue> {
    const json = JSON.stringify(data) as string | undefined;
    if (json === undefined) throw new CryptoError('crypto.encryptJson: the value is not JSON-serialisable');
    return this.encrypt(storeId, json, aad);
  }

  /** Opens and `JSON.parse`s; the caller vouches for `T` (validate it if it came from outside). */
  async decryptJson<T = unknown>(storeId: string, value: EncryptedValue, aad?: string): Promise<T> {
    return JSON.parse(await this.decryptString(storeId, value, aad)) as T;
  }

  /**
   * Destroys the store's data key: the keyring entry becomes a tombstone without key material, and this
   * instance's cache forgets the key at once (other instances within the cache TTL). Idempotent; returns
   * `{ shredded: false }` when there was no active key. Encrypting for the store afterwards creates a new key.
   */
  async shred(storeId: string): Promise<{ shredded: boolean }> {
    assertStoreId(storeId, 'crypto.shred');
    this.#generation += 1;
    this.#cache.delete(storeId);
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const entry = await this.#keyring.findOne(storeId);
        if (!entry || entry.state !== 'active' || !entry.keyId) return { shredded: false };
        const res = await this.#keyring.updateOne(
          storeId,
          { state: 'active', keyId: entry.keyId },
          {
            $set: { state: 'shredded', shreddedAt: new Date() },
            $unset: { keyId: 1, wrappedKey: 1, iv: 1, tag: 1, masterKeyId: 1, keyCreatedAt: 1 },
            $push: { shreddedKeyIds: entry.keyId },
          },
        );
        if (res.modified === 1) {
          this.#logger.log(`shredded data key ${entry.keyId} of store ${storeId}`);
          return { shredded: true };
        }
      }
      throw new CryptoError(`crypto.shred: the keyring entry of store ${storeId} kept changing; try again`);
    } finally {
      this.#cache.delete(storeId);
    }
  }

  /** 'none' (never had a key), 'active', or 'shredded' (tombstone). */
  async keyStatus(storeId: string): Promise<'none' | 'active' | 'shredded'> {
    const entry = await this.#keyring.findOne(storeId);
    return entry ? entry.state : 'none';
  }

  /** Forgets cached keys (one store, or all). */
  evict(storeId?: string): void {
    if (storeId === undefined) this.#cache.clear();
    else this.#cache.delete(storeId);
  }

  async #activeKey(storeId: string): Promise<CachedKey> {
    const cached = this.#cache.get(storeId);
    if (cached) return cached;
    const generation = this.#generation;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const entry = await this.#keyring.findOne(storeId);
      if (entry?.state === 'active') return this.#remember(storeId, this.#unwrap(entry), generation);

      const keyId = randomBytes(12).toString('base64url');
      const raw = randomBytes(32);
      try {
        const fields = {
          state: 'active' as const,
          keyId,
          ...this.#wrap(storeId, keyId, raw),
          keyCreatedAt: new Date(),
        };
        const key = { keyId, key: createSecretKey(raw) };
        if (!entry) {
          try {
            await this.#keyring.insert(storeId, { ...fields, shreddedKeyIds: [] });
          } catch (err) {
            if (isDuplicateKeyError(err)) continue; // another instance created it first: use theirs
            throw err;
          }
        } else {
          // Re-key after a shred; only if still a tombstone (another instance may have re-keyed already).
          const res = await this.#keyring.updateOne(
            storeId,
            { state: 'shredded' },
            { $set: fields, $unset: { shreddedAt: 1 } },
          );
          if (res.modified !== 1) continue;
        }
        this.#logger.log(`created data key ${keyId} for store ${storeId} (master key ${this.#master.id})`);
        return this.#remember(storeId, key, generation);
      } finally {
        raw.fill(0);
      }
    }
    throw new CryptoError(
      `crypto: could not obtain a data key for store ${storeId}; the keyring entry kept changing`,
    );
  }

  async #keyFor(storeId: string, keyId: string): Promise<KeyObject> {
    const cached = this.#cache.get(storeId);
    if (cached?.keyId === keyId) return cached.key;
    const generation = this.#generation;
    const entry = await this.#keyring.findOne(storeId);
    if (!entry) throw new StoreKeyNotFoundError(storeId, keyId, false);
    if (entry.shreddedKeyIds?.includes(keyId)) throw new StoreKeyShreddedError(storeId, entry.shreddedAt);
    if (entry.state !== 'active' || entry.keyId !== keyId)
      throw new StoreKeyNotFoundError(storeId, keyId, true);
    return this.#remember(storeId, this.#unwrap(entry), generation).key;
  }

  #remember(storeId: string, key: CachedKey, generation: number): CachedKey {
    if (generation === this.#generation) this.#cache.set(storeId, key);
    return key;
  }

  #wrap(
    storeId: string,
    keyId: string,
    raw: Buffer,
  ): Pick<KeyringEntry, 'wrappedKey' | 'iv' | 'tag' | 'masterKeyId'> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(GCM, this.#master.keyObject, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(wrapAad(storeId, keyId));
    const wrapped = Buffer.concat([cipher.update(raw), cipher.final()]);
    return {
      wrappedKey: wrapped.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      masterKeyId: this.#master.id,
    };
  }

  #unwrap(entry: Stored<KeyringEntry>): CachedKey {
    const { storeId, keyId, wrappedKey, iv, tag, masterKeyId } = entry;
    if (!keyId || !wrappedKey || !iv || !tag) {
      throw new KeyUnwrapError(`keyring entry of store ${storeId} is incomplete; it cannot be unwrapped`);
    }
    if (masterKeyId && masterKeyId !== this.#master.id) {
      throw new KeyUnwrapError(
        `data key of store ${storeId} was wrapped by master key ${masterKeyId}, but this process holds master key ` +
          `${this.#master.id}; configure the MASTER_KEY it was created with`,
      );
    }
    let raw: Buffer | undefined;
    try {
      const decipher = createDecipheriv(GCM, this.#master.keyObject, Buffer.from(iv, 'base64'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(wrapAad(storeId, keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      raw = Buffer.concat([decipher.update(Buffer.from(wrappedKey, 'base64')), decipher.final()]);
      if (raw.length !== 32) throw new Error('unwrapped key has the wrong length');
      return { keyId, key: createSecretKey(raw) };
    } catch (err) {
      throw new KeyUnwrapError(
        `data key of store ${storeId} could not be unwrapped: wrong master key or a tampered keyring entry`,
        { cause: err },
      );
    } finally {
      raw?.fill(0);
    }
  }
}
