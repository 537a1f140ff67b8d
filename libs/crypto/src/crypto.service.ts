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
  StoreKeyRetiredError,
  StoreKeyShreddedError,
} from './errors';
import { CachedKey, KeyCache } from './key-cache';
import {
  KeyringEntry,
  KeyringRepository,
  keyRotationClaimModelFor,
  KeyRotationClaim,
  KeyRotationClaimRepository,
  RetiredKey,
} from './keyring';
import type { MasterKey } from './master-key';

export interface CryptoOptions {
  /** How long an unwrapped data key stays in memory. Default 60 000 ms; 0 disables the cache. */
  cacheTtlMs?: number;
  /** At most this many stores' keys in memory. Default 1 000. */
  cacheMaxEntries?: number;
  /** Gets only store ids, key ids and fingerprints; never key material or plaintext. */
  logger?: { log(message: string): void; warn(message: string): void };
}

/**
 * How long an instance keeps using a store's active key without looking at the keyring again (the default
 * of `cacheTtlMs`). After a rotation, other instances may seal with the previous version for up to this
 * long; whoever re-encrypts after a rotation must wait this out first (see `rotate`).
 */
export const DEFAULT_KEY_CACHE_TTL_MS = 60_000;

/** What `rotate` did. */
export interface KeyRotationResult {
  /** True for the call that created the new version; false when there was no active key, or another won. */
  rotated: boolean;
  /** The store's active key id afterwards (absent when the store has no active key). */
  activeKeyId?: string;
  /** Every retired (decrypt-only) version afterwards, oldest first. */
  retiredKeyIds: string[];
}

/** The store's key versions, for operators and tests (ids only, never material). */
export interface KeyVersions {
  state: 'none' | 'active' | 'shredded';
  version: number;
  activeKeyId?: string;
  retiredKeyIds: string[];
  removedKeyIds: string[];
  shreddedKeyIds: string[];
}

const GCM = 'aes-256-gcm';
/** A rotation claim whose new version never showed up after this long belongs to a dead instance. */
const STALE_CLAIM_MS = 10_000;
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
  readonly #claims: KeyRotationClaimRepository;
  readonly #claimModel: Model<KeyRotationClaim>;
  #claimIndexes: Promise<unknown> | undefined;
  readonly #master: MasterKey;
  readonly #cache: KeyCache;
  readonly #logger: NonNullable<CryptoOptions['logger']>;
  /** Bumped by every shred: a key loaded before a shred finished is not put back into the cache. */
  #generation = 0;

  constructor(keyringModel: Model<KeyringEntry>, masterKey: MasterKey, options: CryptoOptions = {}) {
    this.#keyring = new KeyringRepository(keyringModel);
    this.#claimModel = keyRotationClaimModelFor(keyringModel);
    this.#claims = new KeyRotationClaimRepository(this.#claimModel);
    this.#master = masterKey;
    this.#cache = new KeyCache(
      options.cacheMaxEntries ?? 1_000,
      options.cacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS,
    );
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
   * Destroys the store's data key, every version of it (active and retired): the keyring entry becomes a
   * tombstone without key material, and this instance's cache forgets the key at once (other instances
   * within the cache TTL). Idempotent; returns `{ shredded: false }` when there was no active key. Encrypting
   * for the store afterwards creates a new key.
   */
  async shred(storeId: string): Promise<{ shredded: boolean }> {
    assertStoreId(storeId, 'crypto.shred');
    this.#generation += 1;
    this.#cache.delete(storeId);
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const entry = await this.#keyring.findOne(storeId);
        if (!entry || entry.state !== 'active' || !entry.keyId) return { shredded: false };
        // Versions removed after a rotation count as shredded too: erasure answers "shredded" for every copy.
        const destroyed = [
          entry.keyId,
          ...(entry.retiredKeys ?? []).map((k) => k.keyId),
          ...(entry.removedKeyIds ?? []),
        ];
        const res = await this.#keyring.updateOne(
          storeId,
          { state: 'active', keyId: entry.keyId },
          {
            $set: {
              state: 'shredded',
              shreddedAt: new Date(),
              shreddedKeyIds: [...new Set([...(entry.shreddedKeyIds ?? []), ...destroyed])],
            },
            $unset: {
              keyId: 1,
              wrappedKey: 1,
              iv: 1,
              tag: 1,
              masterKeyId: 1,
              keyCreatedAt: 1,
              retiredKeys: 1,
            },
          },
        );
        // Verified by reading back: a concurrent writer (a rotation) must not have put key material back.
        const after = await this.#keyring.findOne(storeId);
        if (
          res.modified === 1 &&
          after?.state === 'shredded' &&
          !after.wrappedKey &&
          !after.retiredKeys?.length
        ) {
          this.#logger.log(`shredded data key ${destroyed.join(', ')} of store ${storeId}`);
          return { shredded: true };
        }
      }
      throw new CryptoError(`crypto.shred: the keyring entry of store ${storeId} kept changing; try again`);
    } finally {
      this.#cache.delete(storeId);
    }
  }

  /**
   * Makes a new data key version the store's active one; the previous versions stay, retired: they no longer
   * seal, they still open what they sealed (Kafka messages, documents not re-encrypted yet). Safe with any
   * number of instances rotating at once: a unique claim on "rotating away from key X" lets exactly one of
   * them write the new version, the others return `rotated: false` with the winner's key.
   *
   * This instance seals under the new key at once; every other instance keeps sealing with the previous
   * version until its cache entry expires (`cacheTtlMs`, default 60 s). Re-encrypt only after that window
   * (and keep the retired version until then), or a value sealed meanwhile would stay on the old key.
   */
  async rotate(storeId: string): Promise<KeyRotationResult> {
    assertStoreId(storeId, 'crypto.rotate');
    await this.#ensureClaimIndexes();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const entry = await this.#keyring.findOne(storeId);
      if (!entry || entry.state !== 'active' || !entry.keyId) return { rotated: false, retiredKeyIds: [] };
      const fromKeyId = entry.keyId;
      const keyId = randomBytes(12).toString('base64url');
      try {
        await this.#claims.insert(storeId, { fromKeyId, toKeyId: keyId, claimedAt: new Date() });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        // Another instance is rotating away from the same key: wait for its version, or clear a dead claim.
        if (await this.#awaitOtherRotation(storeId, fromKeyId)) return this.#rotationOutcome(storeId, false);
        continue;
      }
      const raw = randomBytes(32);
      try {
        const retired: RetiredKey = {
          keyId: fromKeyId,
          wrappedKey: entry.wrappedKey!,
          iv: entry.iv!,
          tag: entry.tag!,
          ...(entry.masterKeyId ? { masterKeyId: entry.masterKeyId } : {}),
          ...(entry.keyCreatedAt ? { keyCreatedAt: entry.keyCreatedAt } : {}),
          retiredAt: new Date(),
        };
        this.#generation += 1;
        const res = await this.#keyring.updateOne(
          storeId,
          { state: 'active', keyId: fromKeyId },
          {
            $set: {
              keyId,
              ...this.#wrap(storeId, keyId, raw),
              keyCreatedAt: new Date(),
              version: (entry.version ?? 0) + 1,
              retiredKeys: [...(entry.retiredKeys ?? []), retired],
            },
          },
        );
        this.#cache.delete(storeId);
        if (res.modified !== 1) continue; // shredded meanwhile: look again
        const outcome = await this.#rotationOutcome(storeId, true);
        if (outcome.activeKeyId !== keyId) return { ...outcome, rotated: false };
        this.#logger.log(`rotated the data key of store ${storeId}: ${fromKeyId} retired, ${keyId} active`);
        return outcome;
      } finally {
        raw.fill(0);
      }
    }
    throw new CryptoError(`crypto.rotate: the keyring entry of store ${storeId} kept changing; try again`);
  }

  /**
   * `value` sealed under the store's CURRENT active key (read from the keyring, not the cache): the same object
   * when it already is, otherwise opened with its own (retired) version and sealed again with the same `aad`.
   */
  async reencrypt(storeId: string, value: EncryptedValue, aad?: string): Promise<EncryptedValue> {
    assertStoreId(storeId, 'crypto.reencrypt');
    const active = await this.#activeKey(storeId, { fresh: true });
    if (isEncryptedValue(value) && value.keyId === active.keyId) return value;
    const plaintext = await this.decrypt(storeId, value, aad);
    try {
      return await this.encrypt(storeId, plaintext, aad);
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * Removes retired versions (never the active one) once what they sealed was re-encrypted: values still
   * sealed with them become unreadable (`StoreKeyRetiredError`). This instance forgets them at once, other
   * instances within the cache TTL. Returns the ids actually removed.
   */
  async removeRetiredKeys(storeId: string, keyIds: readonly string[]): Promise<string[]> {
    assertStoreId(storeId, 'crypto.removeRetiredKeys');
    this.#generation += 1;
    this.#cache.delete(storeId);
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const entry = await this.#keyring.findOne(storeId);
        const retired = entry?.state === 'active' ? (entry.retiredKeys ?? []) : [];
        const removed = retired.filter((k) => keyIds.includes(k.keyId)).map((k) => k.keyId);
        if (!entry || removed.length === 0) return [];
        const res = await this.#keyring.updateOne(
          storeId,
          {
            state: 'active',
            keyId: entry.keyId,
            ...(entry.version !== undefined ? { version: entry.version } : {}),
          },
          {
            $set: {
              retiredKeys: retired.filter((k) => !removed.includes(k.keyId)),
              removedKeyIds: [...new Set([...(entry.removedKeyIds ?? []), ...removed])],
            },
          },
        );
        const after = await this.#keyring.findOne(storeId);
        const left = (after?.retiredKeys ?? []).filter((k) => removed.includes(k.keyId));
        if (res.modified === 1 && left.length === 0) {
          this.#logger.log(`removed retired data key ${removed.join(', ')} of store ${storeId}`);
          return removed;
        }
      }
      throw new CryptoError(`crypto.removeRetiredKeys: the keyring entry of store ${storeId} kept changing`);
    } finally {
      this.#cache.delete(storeId);
    }
  }

  /** The store's key versions (ids only). */
  async keyVersions(storeId: string): Promise<KeyVersions> {
    const entry = await this.#keyring.findOne(storeId);
    return {
      state: entry ? entry.state : 'none',
      version: entry?.version ?? 0,
      ...(entry?.state === 'active' && entry.keyId ? { activeKeyId: entry.keyId } : {}),
      retiredKeyIds: (entry?.retiredKeys ?? []).map((k) => k.keyId),
      removedKeyIds: entry?.removedKeyIds ?? [],
      shreddedKeyIds: entry?.shreddedKeyIds ?? [],
    };
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

  async #activeKey(storeId: string, options: { fresh?: boolean } = {}): Promise<CachedKey> {
    const cached = options.fresh ? undefined : this.#cache.get(storeId);
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
    const cachedRetired = cached?.retired?.get(keyId);
    if (cachedRetired) return cachedRetired;
    const generation = this.#generation;
    const entry = await this.#keyring.findOne(storeId);
    if (!entry) throw new StoreKeyNotFoundError(storeId, keyId, false);
    if (entry.shreddedKeyIds?.includes(keyId)) throw new StoreKeyShreddedError(storeId, entry.shreddedAt);
    if (entry.removedKeyIds?.includes(keyId)) throw new StoreKeyRetiredError(storeId, keyId);
    const known = entry.keyId === keyId || entry.retiredKeys?.some((k) => k.keyId === keyId);
    if (entry.state !== 'active' || !known) throw new StoreKeyNotFoundError(storeId, keyId, true);
    const loaded = this.#remember(storeId, this.#unwrap(entry), generation);
    return loaded.keyId === keyId ? loaded.key : loaded.retired!.get(keyId)!;
  }

  /** After losing a rotation claim: true once the key moved on; false when the claim was dead and removed. */
  async #awaitOtherRotation(storeId: string, fromKeyId: string): Promise<boolean> {
    for (let waited = 0; waited < STALE_CLAIM_MS; waited += 100) {
      const entry = await this.#keyring.findOne(storeId);
      if (entry?.keyId !== fromKeyId) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The winner died between its claim and its write: free the claim, the next attempt claims again.
    await this.#claims.deleteMany(storeId, {
      fromKeyId,
      claimedAt: { $lte: new Date(Date.now() - STALE_CLAIM_MS) },
    });
    return false;
  }

  async #rotationOutcome(storeId: string, rotated: boolean): Promise<KeyRotationResult> {
    const v = await this.keyVersions(storeId);
    return {
      rotated,
      ...(v.activeKeyId ? { activeKeyId: v.activeKeyId } : {}),
      retiredKeyIds: v.retiredKeyIds,
    };
  }

  #ensureClaimIndexes(): Promise<unknown> {
    // Normally built by MongoConnection at start (registerKeyringModel); this covers a keyring model
    // registered some other way. Idempotent.
    this.#claimIndexes ??= this.#claimModel.createIndexes().catch((err: unknown) => {
      this.#claimIndexes = undefined;
      throw err;
    });
    return this.#claimIndexes;
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

  /** The active key and every retired version of the entry, unwrapped. */
  #unwrap(entry: Stored<KeyringEntry>): CachedKey {
    const active = this.#unwrapOne(entry.storeId, entry);
    const retired = new Map<string, KeyObject>();
    for (const version of entry.retiredKeys ?? []) {
      retired.set(version.keyId, this.#unwrapOne(entry.storeId, version).key);
    }
    return { keyId: active.keyId, key: active.key, ...(retired.size > 0 ? { retired } : {}) };
  }

  #unwrapOne(
    storeId: string,
    version: Pick<KeyringEntry, 'keyId' | 'wrappedKey' | 'iv' | 'tag' | 'masterKeyId'>,
  ): CachedKey {
    const { keyId, wrappedKey, iv, tag, masterKeyId } = version;
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
