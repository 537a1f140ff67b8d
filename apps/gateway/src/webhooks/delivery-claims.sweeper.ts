import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Model } from 'mongoose';

import { PeriodicTask } from '@app/bootstrap';
import { APP_CONFIG } from '@app/config';
import { sweepOlderThan, type SweepResult } from '@app/persistence';

import type { GatewayEnv } from '../gateway.env';

import type { DeliveryClaim } from './delivery-claim.schema';
import { DeliveryClaimsRepository } from './delivery-claims.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often expired claims are looked for; retention is counted in days, so hourly is plenty. */
export const CLAIM_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes every claim (any store, any status) claimed more than `retentionDays` before `now`. After that, a
 * copy of the delivery would be processed again; Salla's retries end within about 15 minutes, so days are
 * ample. Bounded per run (the next run continues).
 */
export function sweepExpiredClaims(
  model: Model<DeliveryClaim>,
  retentionDays: number,
  now: Date = new Date(),
): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return sweepOlderThan(model, 'claimedAt', cutoff, { allStores: true, batchSize: 1000, maxBatches: 100 });
}

/** Runs `sweepExpiredClaims` every hour in the background; stops on shutdown. */
@Injectable()
export class DeliveryClaimsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryClaimsSweeper.name);
  private readonly task = new PeriodicTask(() => this.sweep(), {
    name: 'webhook delivery claim sweep',
    everyMs: CLAIM_SWEEP_INTERVAL_MS,
    logger: this.logger,
  });

  constructor(
    private readonly claims: DeliveryClaimsRepository,
    @Inject(APP_CONFIG) private readonly config: GatewayEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep now, or the one under way; failures (e.g. Mongo down) are logged and retried next hour. */
  sweepNow(): Promise<void> {
    return this.task.runNow();
  }

  private async sweep(): Promise<void> {
    const result = await sweepExpiredClaims(
      this.claims.collection,
      this.config.WEBHOOK_DEDUPE_RETENTION_DAYS,
    );
    if (result.deleted > 0) this.logger.log({ msg: 'expired webhook delivery claims swept', ...result });
  }
}
