/** Base class of everything this lib throws on purpose. Messages never contain key material or plaintext. */
export class CryptoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** MASTER_KEY / MASTER_KEY_FILE missing or invalid. The service must not start. */
export class MasterKeyConfigError extends CryptoError {}

/** The store's data key was destroyed by `shred()`; everything sealed with it is gone for good. */
export class StoreKeyShreddedError extends CryptoError {
  constructor(
    readonly storeId: string,
    readonly shreddedAt: Date | undefined,
  ) {
    super(
      `data key for store ${storeId} was shredded; the data is unrecoverable` +
        (shreddedAt ? ` (shredded at ${shreddedAt.toISOString()})` : ''),
    );
  }
}

/** No data key with that id exists for the store: it never had one, or the value was sealed elsewhere. */
export class StoreKeyNotFoundError extends CryptoError {
  constructor(
    readonly storeId: string,
    readonly keyId: string,
    storeHasKeyring: boolean,
  ) {
    super(
      storeHasKeyring
        ? `data key ${keyId} is unknown for store ${storeId}: the value was not encrypted for this store (or by this keyring)`
        : `store ${storeId} never had a data key: the value was not encrypted for this store (or by this keyring)`,
    );
  }
}

/**
 * The key version was retired by a rotation and then removed, once every service had re-encrypted what it
 * sealed: a copy sealed with it that was not re-encrypted (an old Kafka message) is unreadable for good.
 */
export class StoreKeyRetiredError extends CryptoError {
  constructor(
    readonly storeId: string,
    readonly keyId: string,
  ) {
    super(
      `data key ${keyId} of store ${storeId} was rotated out and removed; values sealed with it were ` +
        `re-encrypted under the new key or are no longer readable`,
    );
  }
}

/** The store's wrapped data key could not be opened with this process's master key. */
export class KeyUnwrapError extends CryptoError {}

/** Authentication failed: the value was altered, belongs to another store, or the aad differs. */
export class DecryptionFailedError extends CryptoError {
  constructor(readonly storeId: string) {
    super(
      `decryption for store ${storeId} failed authentication: the value was tampered with, ` +
        `belongs to another store, or was sealed with a different aad`,
    );
  }
}

/** The value handed to decrypt is not an EncryptedValue v1. */
export class InvalidEncryptedValueError extends CryptoError {}
