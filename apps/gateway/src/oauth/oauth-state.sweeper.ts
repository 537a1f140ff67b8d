import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { CUSTOM_MODE_SETTINGS, type CustomModeSettings } from './custom-mode.settings';
import { OAuthStateRepository } from './oauth-state.repository';
import { describe } from './start-install.use-case';

/** How often expired states are deleted. Every instance sweeps; the sweep is safe to run concurrently. */
export const OAUTH_STATE_SWEEP_INTERVAL_MS = 5 * 60_000;

/** Retention of `oauth_states` without a TTL index: a periodic sweep, only while custom mode is on. */
@Injectable()
export class OAuthStateSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OAuthStateSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CUSTOM_MODE_SETTINGS) private readonly settings: CustomModeSettings,
    private readonly states: OAuthStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, OAUTH_STATE_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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
