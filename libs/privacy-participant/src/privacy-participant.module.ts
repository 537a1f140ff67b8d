import { type DynamicModule, Module } from '@nestjs/common';

import { Topic } from '@app/contracts';

import { type PrivacyCollection, PrivacyCollectionRegistry } from './data-class-registry';
import { ErasureRequestHandler } from './erasure-request.handler';
import { ExportRequestHandler } from './export-request.handler';
import { KeyReencryptionReporter } from './key-reencryption-reporter';
import { LateWriteSweeper } from './late-write-sweeper';
import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';
import { participantSettingsProvider } from './participant-settings';
import { RetentionPolicyHandler } from './retention-policy.handler';
import { RetentionSweeper } from './retention-sweeper';
import { StoreConfigurationExporter } from './store-configuration-exporter';
import { StoreDataEraser } from './store-data-eraser';
import { StoreErasureGuard } from './store-erasure-guard';

/** Topics a participant consumes and publishes; add them to the service's declared topics. */
export const PRIVACY_PARTICIPANT_TOPICS = [
  Topic.PrivacyErasureRequested,
  Topic.PrivacyErasureCompleted,
  Topic.PrivacyExportRequested,
  Topic.PrivacyExportCompleted,
  Topic.PrivacyRetentionPolicyPublished,
  Topic.PrivacyRetentionSweepCompleted,
] as const;

export interface PrivacyParticipantOptions {
  /** This service's collections and their data classes (also registrable later on the registry). */
  collections?: PrivacyCollection[];
}

/**
 * Makes a service answer the privacy service for the data in its own database: store erasure (honouring
 * legal holds), configuration export, and retention sweeps. Global, so any feature module can inject
 * `PrivacyCollectionRegistry` and register its collections, and `StoreErasureGuard` to skip writes for an
 * erased store (and lift it on a reinstall).
 */
@Module({})
export class PrivacyParticipantModule {
  static forService(service: string, options: PrivacyParticipantOptions = {}): DynamicModule {
    return {
      module: PrivacyParticipantModule,
      global: true,
      controllers: [ErasureRequestHandler, ExportRequestHandler, RetentionPolicyHandler],
      providers: [
        {
          provide: PrivacyCollectionRegistry,
          useFactory: () => {
            const registry = new PrivacyCollectionRegistry();
            registry.register(...(options.collections ?? []));
            return registry;
          },
        },
        StoreDataEraser,
        StoreErasureGuard,
        LateWriteSweeper,
        StoreConfigurationExporter,
        RetentionSweeper,
        KeyReencryptionReporter,
        participantSettingsProvider,
        { provide: PARTICIPANT_SERVICE_NAME, useValue: service },
      ],
      exports: [
        PrivacyCollectionRegistry,
        StoreDataEraser,
        StoreErasureGuard,
        LateWriteSweeper,
        StoreConfigurationExporter,
        RetentionSweeper,
        KeyReencryptionReporter,
      ],
    };
  }
}
