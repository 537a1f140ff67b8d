import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';
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
  private readonly task: PeriodicTask;

  constructor(
    private readonly orchestrator: KeyRotationOrchestrator,
    @Inject(APP_CONFIG) config: PrivacyServiceEnv,
  ) {
    this.task = new PeriodicTask(() => this.orchestrator.tick(), {
      name: 'key rotation tick',
      everyMs: config.PRIVACY_WATCHDOG_INTERVAL_MS,
      logger: this.logger,
    });
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
