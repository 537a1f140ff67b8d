import { Module } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { Topic } from '@app/contracts';
import { PersistenceModule } from '@app/persistence';

import type { GatewayEnv } from '../gateway.env';
import { ADMIN_SETTINGS, adminSettingsFrom } from './admin-settings';
import { AdminPrivacyCollections } from './admin-privacy-collections';
import { ADMIN_AUDIT_MODEL, adminAuditSchema } from './audit/admin-audit.schema';
import { AdminAuditRepository } from './audit/admin-audit.repository';
import { AuditController } from './audit/audit.controller';
import { AdminAuditHook } from './audit/audit-hook';
import { AdminAuthenticator } from './auth/admin-authenticator';
import { AdminGuard } from './auth/admin.guard';
import {
  BACKFILL_PROGRESS_MODEL,
  BACKFILL_REQUEST_MODEL,
  backfillProgressSchema,
  backfillRequestSchema,
} from './backfills/backfill-run.schema';
import { BackfillProgressRepository, BackfillRequestsRepository } from './backfills/backfill-runs.repository';
import { BackfillsController } from './backfills/backfills.controller';
import { CommandsController } from './commands/commands.controller';
import {
  DEAD_LETTER_ACTION_MODEL,
  DEAD_LETTER_MODEL,
  deadLetterActionSchema,
  deadLetterSchema,
} from './dead-letters/dead-letter.schema';
import { DeadLetterIndexer } from './dead-letters/dead-letter-indexer';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersRepository } from './dead-letters/dead-letters.repository';
import { ReplayDeadLetterUseCase } from './dead-letters/replay-dead-letter.use-case';
import { ACCESS_GRANT_MODEL, accessGrantSchema } from './grants/access-grant.schema';
import { AccessGrantsRepository } from './grants/access-grants.repository';
import { BusinessDataAccess } from './grants/business-data-access';
import { GrantsController } from './grants/grants.controller';
import { HealthOverviewController } from './health/health-overview.controller';
import { DeadLetterKeyRotationHandler } from './dead-letters/dead-letter-key-rotation.handler';
import { DocsController } from './openapi/docs.controller';
import { ACTIVITY_MODEL, activityEntrySchema } from './stores/activity-entry.schema';
import { ActivityRepository } from './stores/activity.repository';
import { ADMIN_CONSUMED_TOPICS, AdminProjectionsHandler } from './stores/admin-projections.handler';
import { STORE_VIEW_MODEL, storeViewSchema } from './stores/store-view.schema';
import { StoreViewsRepository } from './stores/store-views.repository';
import { StoresController } from './stores/stores.controller';

/** Every topic the admin feature consumes or publishes; the gateway's service definition declares them. */
export const ADMIN_TOPICS = [
  ...ADMIN_CONSUMED_TOPICS,
  Topic.BackfillRequested,
  Topic.OpsOdooConnectionCheckRequested,
  Topic.OpsStoreKeyRotationRequested,
  Topic.OpsStoreKeyRotated,
  Topic.OpsStoreKeyReencrypted,
] as const;

/** The support/ops admin API under /admin/v1 (see README.md in this folder). */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: ADMIN_AUDIT_MODEL, schema: adminAuditSchema },
      { name: ACCESS_GRANT_MODEL, schema: accessGrantSchema },
      { name: STORE_VIEW_MODEL, schema: storeViewSchema },
      { name: ACTIVITY_MODEL, schema: activityEntrySchema },
      { name: BACKFILL_REQUEST_MODEL, schema: backfillRequestSchema },
      { name: BACKFILL_PROGRESS_MODEL, schema: backfillProgressSchema },
      { name: DEAD_LETTER_MODEL, schema: deadLetterSchema },
      { name: DEAD_LETTER_ACTION_MODEL, schema: deadLetterActionSchema },
    ]),
  ],
  controllers: [
    DocsController,
    StoresController,
    GrantsController,
    AuditController,
    BackfillsController,
    CommandsController,
    DeadLettersController,
    HealthOverviewController,
    AdminProjectionsHandler,
    DeadLetterKeyRotationHandler,
  ],
  providers: [
    {
      provide: ADMIN_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (env: GatewayEnv) => adminSettingsFrom(env),
    },
    AdminAuthenticator,
    AdminGuard,
    AdminAuditRepository,
    AdminAuditHook,
    AccessGrantsRepository,
    BusinessDataAccess,
    StoreViewsRepository,
    ActivityRepository,
    BackfillRequestsRepository,
    BackfillProgressRepository,
    DeadLettersRepository,
    DeadLetterIndexer,
    ReplayDeadLetterUseCase,
    AdminPrivacyCollections,
  ],
})
export class AdminModule {}
