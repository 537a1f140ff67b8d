import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';
import { APP_CONFIG } from '@app/config';

import { ErasureOrchestrator } from './erasures/erasure-orchestrator';
import type { PrivacyServiceEnv } from './privacy-service.env';
import { RetentionScheduler } from './retention/retention-scheduler';

/**
 * The privacy service's clock: every PRIVACY_WATCHDOG_INTERVAL_MS it re-publishes unanswered erasure
 * requests, fails timed-out ones, and starts the retention run when one is due. One tick at a time.
 */
@Injectable()
export class PrivacyWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PrivacyWatchdog.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly erasures: ErasureOrchestrator,
    private readonly retention: RetentionScheduler,
    @Inject(APP_CONFIG) config: PrivacyServiceEnv,
  ) {
    this.task = new PeriodicTask(
      async () => {
        await this.erasures.watch();
        await this.retention.runIfDue();
      },
      { name: 'privacy watchdog tick', everyMs: config.PRIVACY_WATCHDOG_INTERVAL_MS, logger: this.logger },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  tick(): Promise<void> {
    return this.task.runNow();
  }
}
