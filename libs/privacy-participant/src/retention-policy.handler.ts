import { Controller, Inject, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  EventEnvelope,
  PrivacyRetentionPolicyPublished,
  PrivacyRetentionSweepCompleted,
  RETENTION_ALL_STORES,
  Topic,
} from '@app/contracts';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';

import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';
import { RetentionSweeper } from './retention-sweeper';

/**
 * Sweeps this service's data under the published policy and reports the counts. A failing sweep is
 * reported as `failed` (so the run report shows it) rather than retried in a loop: the next scheduled run
 * sweeps again, and a sweep is idempotent.
 */
@Controller()
export class RetentionPolicyHandler {
  private readonly logger = new Logger(RetentionPolicyHandler.name);

  constructor(
    private readonly sweeper: RetentionSweeper,
    private readonly publisher: EventPublisher,
    @Inject(PARTICIPANT_SERVICE_NAME) private readonly service: string,
  ) {}

  @KafkaEvent(Topic.PrivacyRetentionPolicyPublished, PrivacyRetentionPolicyPublished)
  async onPolicy(@Payload() event: EventEnvelope<PrivacyRetentionPolicyPublished>): Promise<void> {
    const report = new PrivacyRetentionSweepCompleted();
    report.runId = event.payload.runId;
    report.service = this.service;
    try {
      report.counts = await this.sweeper.sweep(event.payload.rules);
      report.outcome = 'swept';
    } catch (err) {
      this.logger.error({ msg: 'retention sweep failed', runId: report.runId, err });
      report.counts = [];
      report.outcome = 'failed';
      report.details = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1024);
    }
    report.completedAt = new Date().toISOString();
    await this.publisher.publish(
      Topic.PrivacyRetentionSweepCompleted,
      newEnvelope(Topic.PrivacyRetentionSweepCompleted, RETENTION_ALL_STORES, report),
      { key: RETENTION_ALL_STORES },
    );
  }
}
