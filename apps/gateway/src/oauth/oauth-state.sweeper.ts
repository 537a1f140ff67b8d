import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';

import { CUSTOM_MODE_SETTINGS, type CustomModeSettings } from './custom-mode.settings';
import { OAuthStateRepository } from './oauth-state.repository';
import { describe } from './start-install.use-case';

/** How often expired states are deleted. Every instance sweeps; the sweep is safe to run concurrently. */
export const OAUTH_STATE_SWEEP_INTERVAL_MS = 5 * 60_000;

/** Retention of `oauth_states` without a TTL index: a periodic sweep, only while custom mode is on. */
@Injectable()
export class OAuthStateSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OAuthStateSweeper.name);
  private readonly task = new PeriodicTask(() => this.sweep(), {
    name: 'OAuth state sweep',
    everyMs: OAUTH_STATE_SWEEP_INTERVAL_MS,
    logger: this.logger,
  });

  constructor(
    @Inject(CUSTOM_MODE_SETTINGS) private readonly settings: CustomModeSettings,
    private readonly states: OAuthStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep; a database outage is logged and the next interval tries again. */
  async sweep(): Promise<void> {
    try {
      const { deleted } = await this.states.sweepExpired();
      if (deleted > 0) this.logger.log({ msg: 'expired OAuth states swept', deleted });
    } catch (err) {
      this.logger.warn({ msg: 'OAuth state sweep failed', error: describe(err) });
    }
  }
}
