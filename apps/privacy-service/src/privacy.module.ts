import { Module, type OnModuleInit } from '@nestjs/common';

import { PersistenceModule } from '@app/persistence';
import { PrivacyCollectionRegistry } from '@app/privacy-participant';

import { ComplianceAuthGuard } from './auth/compliance-auth.guard';
import { ErasureEventsHandler } from './erasures/erasure-events.handler';
import { ErasureOrchestrator } from './erasures/erasure-orchestrator';
import {
  ERASURE_REQUEST_COLLECTION,
  ERASURE_REQUEST_MODEL,
  erasureRequestSchema,
} from './erasures/erasure-request.schema';
import { ErasureRequestsRepository } from './erasures/erasure-requests.repository';
import { ErasuresController } from './erasures/erasures.controller';
import { EXPORT_COLLECTION, EXPORT_MODEL, exportSchema } from './exports/export.schema';
import { ExportAssembler } from './exports/export-assembler';
import { ExportPartsHandler } from './exports/export-parts.handler';
import { ExportsController } from './exports/exports.controller';
import { ExportsRepository } from './exports/exports.repository';
import { KeyRotationModule } from './key-rotation/key-rotation.module';
import { LEGAL_HOLD_COLLECTION, LEGAL_HOLD_MODEL, legalHoldSchema } from './legal-holds/legal-hold.schema';
import { LegalHoldsController } from './legal-holds/legal-holds.controller';
import { LegalHoldsRepository } from './legal-holds/legal-holds.repository';
import { OpenApiController } from './openapi/openapi.controller';
import { PolicyController } from './policy/policy.controller';
import { PrivacyWatchdog } from './privacy-watchdog';
import {
  RETENTION_RUN_COLLECTION,
  RETENTION_RUN_MODEL,
  retentionRunSchema,
} from './retention/retention-run.schema';
import { RetentionReportsHandler } from './retention/retention-reports.handler';
import { RetentionRunsRepository } from './retention/retention-runs.repository';
import { RetentionScheduler } from './retention/retention-scheduler';
import { RetentionController } from './retention/retention.controller';

/** The privacy workflows: erasure orchestration, legal holds, retention runs, exports, the policy. */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: ERASURE_REQUEST_MODEL, schema: erasureRequestSchema, collection: ERASURE_REQUEST_COLLECTION },
      { name: LEGAL_HOLD_MODEL, schema: legalHoldSchema, collection: LEGAL_HOLD_COLLECTION },
      { name: EXPORT_MODEL, schema: exportSchema, collection: EXPORT_COLLECTION },
      { name: RETENTION_RUN_MODEL, schema: retentionRunSchema, collection: RETENTION_RUN_COLLECTION },
    ]),
    KeyRotationModule,
  ],
  controllers: [
    ErasuresController,
    ErasureEventsHandler,
    LegalHoldsController,
    ExportsController,
    ExportPartsHandler,
    RetentionController,
    RetentionReportsHandler,
    PolicyController,
    OpenApiController,
  ],
  providers: [
    ComplianceAuthGuard,
    ErasureRequestsRepository,
    ErasureOrchestrator,
    LegalHoldsRepository,
    ExportsRepository,
    ExportAssembler,
    RetentionRunsRepository,
    RetentionScheduler,
    PrivacyWatchdog,
  ],
})
export class PrivacyModule implements OnModuleInit {
  constructor(private readonly registry: PrivacyCollectionRegistry) {}

  onModuleInit(): void {
    // Receipts and holds prove what happened to a store; the erasure they describe must not delete them.
    this.registry.register(
      { collection: ERASURE_REQUEST_COLLECTION, dataClass: 'privacy_records' },
      { collection: LEGAL_HOLD_COLLECTION, dataClass: 'privacy_records' },
      { collection: RETENTION_RUN_COLLECTION, dataClass: 'privacy_records' },
      { collection: EXPORT_COLLECTION, dataClass: 'finished_exports', timestampField: 'finishedAt' },
    );
  }
}
