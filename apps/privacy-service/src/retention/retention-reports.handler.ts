import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { EventEnvelope, PrivacyRetentionSweepCompleted, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { RetentionRunsRepository } from './retention-runs.repository';

/** Files each service's sweep report under its run. */
@Controller()
export class RetentionReportsHandler {
  constructor(private readonly runs: RetentionRunsRepository) {}

  @KafkaEvent(Topic.PrivacyRetentionSweepCompleted, PrivacyRetentionSweepCompleted)
  async onReport(@Payload() event: EventEnvelope<PrivacyRetentionSweepCompleted>): Promise<void> {
    const r = event.payload;
    await this.runs.addReport(r.runId, r.service, {
      outcome: r.outcome,
      counts: r.counts.map((c) => ({ dataClass: c.dataClass, collection: c.collection, deleted: c.deleted })),
      ...(r.details !== undefined ? { details: r.details } : {}),
      completedAt: new Date(r.completedAt),
    });
  }
}
