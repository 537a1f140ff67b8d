import {
  defineStoreScopedSchema,
  MongoConnection,
  StoreScopedRepository,
  TimestampFields,
} from '@app/persistence';
import { type Model, Schema } from 'mongoose';

export const KEYRING_MODEL = 'CryptoKeyring';
export const KEYRING_COLLECTION = 'crypto_keyring';

/** A previous key version after a rotation: no longer used to seal, still opens what it sealed. */
export interface RetiredKey {
  keyId: string;
  wrappedKey: string;
  iv: string;
  tag: string;
  masterKeyId?: string;
  keyCreatedAt?: Date;
  retiredAt: Date;
}

/**
 * One document per store. While `active` it holds the store's data key wrapped (AES-256-GCM) by the master
 * key. `shred` turns it into a tombstone: the key material (every version) is unset, `shreddedAt` is set and
 * the key ids are appended to `shreddedKeyIds`, so a later decrypt can say "shredded" rather than "unknown".
 * Encrypting after a shred activates a new key in the same document.
 *
 * Key versions (rotation): the top-level fields are always the ACTIVE key (so documents written before
 * versions existed are simply "version 0, nothing retired"); `rotate` moves it into `retiredKeys` (decrypt
 * only) and bumps `version`; `removeRetiredKeys` drops retired versions once what they sealed was
 * re-encrypted, remembering their ids in `removedKeyIds` for a clear error.
 */
export interface KeyringEntry extends TimestampFields {
  storeId: string;
  state: 'active' | 'shredded';
  keyId?: string;
  /** base64 of the wrapped 32-byte data key (GCM ciphertext). */
  wrappedKey?: string;
  /** base64 of the 12-byte GCM nonce used to wrap. */
  iv?: string;
  /** base64 of the 16-byte GCM tag of the wrap. */
  tag?: string;
  /** Fingerprint of the master key that wrapped `wrappedKey` (for future rotation). */
  masterKeyId?: string;
  keyCreatedAt?: Date;
  shreddedAt?: Date;
  shreddedKeyIds: string[];
  /** Rotations so far; absent on documents from before key versions (= 0). */
  version?: number;
  /** Previous versions, oldest first; absent = none. */
  retiredKeys?: RetiredKey[];
  /** Retired versions removed after their values were re-encrypted. */
  removedKeyIds?: string[];
}

export const keyringSchema = defineStoreScopedSchema<KeyringEntry>(
  {
    state: { type: String, enum: ['active', 'shredded'], required: true },
    keyId: String,
    wrappedKey: String,
    iv: String,
    tag: String,
    masterKeyId: String,
    keyCreatedAt: Date,
    shreddedAt: Date,
    shreddedKeyIds: { type: [String], default: [] },
    version: Number,
    retiredKeys: {
      type: [
        new Schema<RetiredKey>(
          {
            keyId: { type: String, required: true },
            wrappedKey: { type: String, required: true },
            iv: { type: String, required: true },
            tag: { type: String, required: true },
            masterKeyId: String,
            keyCreatedAt: Date,
            retiredAt: { type: Date, required: true },
          },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    removedKeyIds: { type: [String], default: undefined },
  },
  { collection: KEYRING_COLLECTION },
  { oneDocumentPerStore: true },
);

export const KEY_ROTATION_CLAIM_MODEL = 'CryptoKeyRotationClaim';
export const KEY_ROTATION_CLAIM_COLLECTION = 'crypto_keyring_rotation_claims';

/**
 * "Key X of store S is being rotated away by instance I": the unique index on (storeId, fromKeyId) lets
 * exactly one of several instances rotating at once write the new version (FerretDB has no atomic
 * compare-and-set on a document; a unique-index insert is the one reliable arbiter). Key ids are random and
 * never reused, so a claim never blocks a later rotation.
 */
export interface KeyRotationClaim extends TimestampFields {
  storeId: string;
  fromKeyId: string;
  toKeyId: string;
  claimedAt: Date;
}

export const keyRotationClaimSchema = defineStoreScopedSchema<KeyRotationClaim>(
  {
    fromKeyId: { type: String, required: true },
    toKeyId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: KEY_ROTATION_CLAIM_COLLECTION },
);
keyRotationClaimSchema.index({ storeId: 1, fromKeyId: 1 }, { unique: true });

/** Registers the keyring model on the service's connection, or on a shared database with `dbName`. */
export function registerKeyringModel(mongo: MongoConnection, dbName?: string): Model<KeyringEntry> {
  // The rotation claims sit next to the keyring; registered here so the connection builds their unique index.
  mongo.model<KeyRotationClaim>(KEY_ROTATION_CLAIM_MODEL, keyRotationClaimSchema, {
    collection: KEY_ROTATION_CLAIM_COLLECTION,
    dbName,
  });
  return mongo.model<KeyringEntry>(KEYRING_MODEL, keyringSchema, { collection: KEYRING_COLLECTION, dbName });
}

export class KeyringRepository extends StoreScopedRepository<KeyringEntry> {}

/** The rotation claims live next to the keyring (same connection and database). */
export function keyRotationClaimModelFor(keyring: Model<KeyringEntry>): Model<KeyRotationClaim> {
  const db = keyring.db;
  return (
    (db.models[KEY_ROTATION_CLAIM_MODEL] as Model<KeyRotationClaim> | undefined) ??
    db.model<KeyRotationClaim>(
      KEY_ROTATION_CLAIM_MODEL,
      keyRotationClaimSchema,
      KEY_ROTATION_CLAIM_COLLECTION,
    )
  );
}

export class KeyRotationClaimRepository extends StoreScopedRepository<KeyRotationClaim> {}
