import { Injectable } from '@nestjs/common';

import { PrivacyCollectionRegistry, type PrivacyCollection } from '@app/privacy-participant';

import { ADMIN_AUDIT_COLLECTION } from './audit/admin-audit.schema';
import { BACKFILL_PROGRESS_COLLECTION, BACKFILL_REQUEST_COLLECTION } from './backfills/backfill-run.schema';
import { DEAD_LETTER_ACTION_COLLECTION, DEAD_LETTER_COLLECTION } from './dead-letters/dead-letter.schema';
import { ACCESS_GRANT_COLLECTION } from './grants/access-grant.schema';
import { ACTIVITY_COLLECTION } from './stores/activity-entry.schema';

/**
 * The admin collections' data classes, so the privacy service's retention sweeps them. The store views are
 * not listed: they are `configuration` (kept while installed, erased with the store).
 */
export const ADMIN_PRIVACY_COLLECTIONS: readonly PrivacyCollection[] = [
  { collection: ADMIN_AUDIT_COLLECTION, dataClass: 'admin_access_audit', timestampField: 'at' },
  // Who was allowed to look, and why, is access-audit material too.
  { collection: ACCESS_GRANT_COLLECTION, dataClass: 'admin_access_audit', timestampField: 'expiresAt' },
  { collection: DEAD_LETTER_ACTION_COLLECTION, dataClass: 'admin_access_audit', timestampField: 'at' },
  { collection: ACTIVITY_COLLECTION, dataClass: 'activity_logs', timestampField: 'occurredAt' },
  { collection: DEAD_LETTER_COLLECTION, dataClass: 'error_reports', timestampField: 'failedAt' },
  { collection: BACKFILL_REQUEST_COLLECTION, dataClass: 'technical_info', timestampField: 'requestedAt' },
  { collection: BACKFILL_PROGRESS_COLLECTION, dataClass: 'technical_info', timestampField: 'updatedAt' },
];

@Injectable()
export class AdminPrivacyCollections {
  constructor(registry: PrivacyCollectionRegistry) {
    registry.register(...ADMIN_PRIVACY_COLLECTIONS);
  }
}
