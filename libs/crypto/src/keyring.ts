import {
  defineStoreScopedSchema,
  MongoConnection,
  StoreScopedRepository,
  TimestampFields,
} from '@app/persistence';
import type { Model } from 'mongoose';

export const KEYRING_MODEL = 'CryptoKeyring';
export const KEYRING_COLLECTION = 'crypto_keyring';

/**
 * One document per store. While `active` it holds the store's data key wrapped (AES-256-GCM) by the master
 * key. `shred` turns it into a tombstone: the key material is unset, `shreddedAt` is set and the key id is
 * appended to `shreddedKeyIds`, so a later decrypt can say "shredded" rather than "unknown". Encrypting after
 * a shred activates a new key in the same document.
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
  },
  { collection: KEYRING_COLLECTION },
  { oneDocumentPerStore: true },
);

/** Registers the keyring model on the service's connection, or on a shared database with `dbName`. */
export function registerKeyringModel(mongo: MongoConnection, dbName?: string): Model<KeyringEntry> {
  return mongo.model<KeyringEntry>(KEYRING_MODEL, keyringSchema, { collection: KEYRING_COLLECTION, dbName });
}

export class KeyringRepository extends StoreScopedRepository<KeyringEntry> {}
