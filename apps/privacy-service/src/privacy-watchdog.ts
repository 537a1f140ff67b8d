import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly erasures: ErasureOrchestrator,
    private readonly retention: RetentionScheduler,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.PRIVACY_WATCHDOG_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.erasures.watch();
        await this.retention.runIfDue();
      } catch (err) {
        // Mongo or Kafka down: the next tick tries again.
        this.logger.warn({ msg: 'privacy watchdog tick failed', err });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
