import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  EventEnvelope,
  ExportPart,
  PrivacyExportCompleted,
  PrivacyExportRequested,
  Topic,
  keyFor,
} from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';

import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';
import { StoreConfigurationExporter } from './store-configuration-exporter';

/** Associated data the export part is sealed with, so no other sealed value can pass for one. */
export const EXPORT_PART_AAD = 'privacy:export-part';

/**
 * Answers a store-scope export request with this service's share of the store's configuration, sealed
 * under the store's data key and carried inline in `privacy.export.completed.v1` (configuration is small).
 */
@Controller()
export class ExportRequestHandler {
  constructor(
    private readonly exporter: StoreConfigurationExporter,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    @Inject(PARTICIPANT_SERVICE_NAME) private readonly service: string,
  ) {}

  @KafkaEvent(Topic.PrivacyExportRequested, PrivacyExportRequested)
  async onExportRequested(@Payload() event: EventEnvelope<PrivacyExportRequested>): Promise<void> {
    const part = new ExportPart();
    part.service = this.service;
    if (event.payload.scope === 'store') {
      const data = await this.exporter.exportStore(event.storeId);
      part.recordCount = data.recordCount;
      part.outcome = data.recordCount > 0 ? 'exported' : 'nothing_found';
      if (data.recordCount > 0)
        part.content = await this.crypto.encryptJson(event.storeId, data, EXPORT_PART_AAD);
    } else {
      // A customer's data lives in feature-specific places; no service collects it yet, and says so.
      part.outcome = 'failed';
      part.recordCount = 0;
    }
    part.completedAt = new Date().toISOString();

    const completed = new PrivacyExportCompleted();
    completed.requestId = event.payload.requestId;
    completed.scope = event.payload.scope;
    completed.part = part;
    await this.publisher.publish(
      Topic.PrivacyExportCompleted,
      newEnvelope(Topic.PrivacyExportCompleted, event.storeId, completed),
      { key: keyFor(event.storeId) },
    );
  }
}
