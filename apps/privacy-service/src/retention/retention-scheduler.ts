import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { PrivacyRetentionPolicyPublished, RETENTION_ALL_STORES, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

import { derivedUuid } from '../http/derived-uuid';
import { expectedServicesOf, type PrivacyServiceEnv } from '../privacy-service.env';
import { retentionRulesOf } from './retention-policy';
import { RetentionRunsRepository } from './retention-runs.repository';

/**
 * Publishes the retention policy once per PRIVACY_RETENTION_INTERVAL_MS (the slot's run id is derived from
 * the slot, so two instances cannot both start it) or on demand; every service sweeps and reports back.
 */
@Injectable()
export class RetentionScheduler {
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    private readonly runs: RetentionRunsRepository,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {}

  async runIfDue(now: Date = new Date()): Promise<string | null> {
    const slot = Math.floor(now.getTime() / this.config.PRIVACY_RETENTION_INTERVAL_MS);
    const runId = derivedUuid(`retention:${this.config.PRIVACY_RETENTION_INTERVAL_MS}:${slot}`);
    return (await this.start(runId, 'schedule', now)) ? runId : null;
  }

  async runNow(now: Date = new Date()): Promise<string> {
    const runId = randomUUID();
    await this.start(runId, 'api', now);
    return runId;
  }

  private async start(runId: string, trigger: 'schedule' | 'api', now: Date): Promise<boolean> {
    const rules = retentionRulesOf(this.config);
    const created = await this.runs.createOnce({
      _id: runId,
      trigger,
      startedAt: now,
      rules,
      expectedServices: expectedServicesOf(this.config),
      reports: {},
    });
    if (!created) return false;
    const policy = new PrivacyRetentionPolicyPublished();
    policy.runId = runId;
    policy.rules = rules;
    policy.publishedAt = now.toISOString();
    await this.publisher.publish(
      Topic.PrivacyRetentionPolicyPublished,
      newEnvelope(Topic.PrivacyRetentionPolicyPublished, RETENTION_ALL_STORES, policy),
      { key: RETENTION_ALL_STORES },
    );
    this.logger.log({ msg: 'retention policy published', runId, trigger });
    return true;
  }
}
