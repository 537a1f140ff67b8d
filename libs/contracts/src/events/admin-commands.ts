import { IsNotEmpty, IsString, IsUUID, Matches } from 'class-validator';

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
