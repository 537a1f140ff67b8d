import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';

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
  private readonly task = new PeriodicTask(() => this.sweep(), {
    name: 'token refresh sweep',
    everyMs: TOKEN_SWEEP_INTERVAL_MS,
    logger: this.logger,
  });

  constructor(private readonly custody: TokenCustody) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  sweepNow(): Promise<void> {
    return this.task.runNow();
  }

  private async sweep(): Promise<void> {
    const result = await this.custody.refreshExpiring();
    if (result.due > 0) this.logger.log({ msg: 'token refresh sweep', ...result });
  }
}
