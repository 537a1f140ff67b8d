import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, StoreKeyReencrypted, StoreKeyRotationRequested, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { KeyRotationOrchestrator } from './key-rotation-orchestrator';

/** The admin API's rotation command, and every service's re-encryption report. */
@Controller()
export class KeyRotationEventsHandler {
  constructor(private readonly orchestrator: KeyRotationOrchestrator) {}

  @KafkaEvent(Topic.OpsStoreKeyRotationRequested, StoreKeyRotationRequested)
  async onRequested(@Payload() event: EventEnvelope<StoreKeyRotationRequested>): Promise<void> {
    await this.orchestrator.start(event);
  }

  @KafkaEvent(Topic.OpsStoreKeyReencrypted, StoreKeyReencrypted)
  async onReport(@Payload() event: EventEnvelope<StoreKeyReencrypted>): Promise<void> {
    await this.orchestrator.onReport(event.storeId, event.payload);
  }
}
