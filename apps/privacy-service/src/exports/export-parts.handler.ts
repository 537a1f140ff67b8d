import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { EventEnvelope, PrivacyExportCompleted, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { ExportAssembler } from './export-assembler';

@Controller()
export class ExportPartsHandler {
  constructor(private readonly assembler: ExportAssembler) {}

  @KafkaEvent(Topic.PrivacyExportCompleted, PrivacyExportCompleted)
  async onPart(@Payload() event: EventEnvelope<PrivacyExportCompleted>): Promise<void> {
    if (event.payload.scope !== 'store') return;
    await this.assembler.onPart(event.storeId, event.payload.requestId, event.payload.part);
  }
}
