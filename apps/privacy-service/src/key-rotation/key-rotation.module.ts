import { Module } from '@nestjs/common';

import { PersistenceModule } from '@app/persistence';

import { EXPORT_COLLECTION, EXPORT_MODEL, exportSchema } from '../exports/export.schema';
import { ExportKeyRotationHandler } from './export-key-rotation.handler';
import { KeyRotationActivityLog } from './key-rotation-activity-log';
import { KeyRotationEventsHandler } from './key-rotation-events.handler';
import { KeyRotationOrchestrator } from './key-rotation-orchestrator';
import { KEY_ROTATION_COLLECTION, KEY_ROTATION_MODEL, keyRotationSchema } from './key-rotation.schema';
import { KeyRotationsRepository } from './key-rotations.repository';
import { KeyRotationScheduler } from './key-rotation-scheduler';

/** Store data-key rotation: the one place a key is rotated, announced, and its old versions removed. */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: KEY_ROTATION_MODEL, schema: keyRotationSchema, collection: KEY_ROTATION_COLLECTION },
      // The exports' own sealed values are re-encrypted here (the same model the exports feature registers).
      { name: EXPORT_MODEL, schema: exportSchema, collection: EXPORT_COLLECTION },
    ]),
  ],
  controllers: [KeyRotationEventsHandler, ExportKeyRotationHandler],
  providers: [KeyRotationActivityLog, KeyRotationsRepository, KeyRotationOrchestrator, KeyRotationScheduler],
})
export class KeyRotationModule {}
