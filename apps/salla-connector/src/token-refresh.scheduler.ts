import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { TokenCustody } from './tokens';

/** Every store's token is checked this often; tokens are refreshed days ahead, so hourly is plenty. */
export const TOKEN_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Refreshes tokens ahead of expiry even for stores that are quiet (no webhook, no command), so a store that
 * wakes up after two weeks still has a live token. The refresh itself is lease-guarded in TokenCustody.
 */
@Injectable()
export class TokenRefreshScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenRefreshScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(private readonly custody: TokenCustody) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepNow(), TOKEN_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  sweepNow(): Promise<void> {
    this.running ??= (async () => {
      try {
        const result = await this.custody.refreshExpiring();
        if (result.due > 0) this.logger.log({ msg: 'token refresh sweep', ...result });
      } catch (err) {
        this.logger.warn({ msg: 'token refresh sweep failed; next run in an hour', err });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
