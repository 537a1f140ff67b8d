import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

import { IsText, IsUtcTimestamp } from './common';

/** Who asked, as the admin API writes it: `<role>:<principal name>` ('ops:alice', 'admin:ci-key'). */
const REQUESTED_BY = /^(support|ops|compliance|admin):[^\s:]{1,128}$/;

/**
 * `ops.odoo-connection.check-requested.v1`: COMMAND to the Odoo connector: try the store's Odoo connection now
 * (authenticate + version probe) and report the result as usual (activity log / sync-ready). Sent by the admin
 * API when a support agent presses "test connection". The envelope's storeId names the store; keyed by store.
 */
export class OdooConnectionCheckRequested {
  /** Identity of this request; a redelivered command with the same id is answered once. */
  @IsUUID()
  requestId!: string;

  @IsString()
  @Matches(REQUESTED_BY)
  requestedBy!: string;

  @IsUtcTimestamp()
  requestedAt!: string;
}

/**
 * `ops.store-key.rotation-requested.v1`: COMMAND to every service holding data sealed with the store's data key:
 * a new key version becomes active and what the old one sealed is re-encrypted under it. Keyed by store.
 */
export class StoreKeyRotationRequested {
  @IsUUID()
  requestId!: string;

  @IsString()
  @Matches(REQUESTED_BY)
  requestedBy!: string;

  /** Why the key is rotated (suspected leak, routine), kept with the request for the audit trail. */
  @IsText(500)
  @IsNotEmpty()
  reason!: string;

  @IsUtcTimestamp()
  requestedAt!: string;
}

/** A data key id as the crypto lib writes it (random, url-safe base64). */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `ops.store-key.rotated.v1`: EVENT from the privacy service (the one owner of key lifecycle): the store's data
 * key has a new active version and every instance seals with it now (the announcement waits out the key
 * caches). Each service holding sealed values of the store re-encrypts them and answers with
 * `ops.store-key.reencrypted.v1`; the retired versions are removed once all have. Keyed by store.
 */
export class StoreKeyRotated {
  /** The admin request this rotation answers (the idempotency key of every service's work). */
  @IsUUID()
  requestId!: string;

  @IsString()
  @Matches(REQUESTED_BY)
  requestedBy!: string;

  @IsString()
  @Matches(KEY_ID)
  activeKeyId!: string;

  /** Versions that no longer seal and are removed after the re-encryption. */
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(KEY_ID, { each: true })
  retiredKeyIds!: string[];

  @IsUtcTimestamp()
  rotatedAt!: string;
}

export const KEY_REENCRYPTION_OUTCOMES = ['reencrypted', 'failed'] as const;
export type KeyReencryptionOutcome = (typeof KEY_REENCRYPTION_OUTCOMES)[number];

/** `ops.store-key.reencrypted.v1`: one service re-encrypted (or failed to) its sealed values of the store. */
export class StoreKeyReencrypted {
  @IsUUID()
  requestId!: string;

  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/)
  @MaxLength(64)
  service!: string;

  @IsIn([...KEY_REENCRYPTION_OUTCOMES])
  outcome!: KeyReencryptionOutcome;

  /** Values sealed again under the active key (0: none were left on a retired version). */
  @IsInt()
  @Min(0)
  reencryptedCount!: number;

  @IsString()
  @Matches(KEY_ID)
  activeKeyId!: string;

  /** What kinds of values, or why it failed; never a value. */
  @IsOptional()
  @IsText(1024)
  details?: string;

  @IsUtcTimestamp()
  completedAt!: string;
}
