import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import type { PrivacyServiceEnv } from '../privacy-service.env';
import { KeyRotationOrchestrator } from './key-rotation-orchestrator';

/**
 * Announces rotations once their key caches have settled and re-announces unanswered ones, every
 * PRIVACY_WATCHDOG_INTERVAL_MS. One tick at a time per instance; several instances may announce the same
 * rotation twice, which the services' idempotent re-encryption absorbs.
 */
@Injectable()
export class KeyRotationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KeyRotationScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly orchestrator: KeyRotationOrchestrator,
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
        await this.orchestrator.tick();
      } catch (err) {
        // Mongo or Kafka down: the next tick tries again.
        this.logger.warn({ msg: 'key rotation tick failed', err });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
