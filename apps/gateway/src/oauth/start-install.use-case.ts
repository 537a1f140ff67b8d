import { Injectable, Logger } from '@nestjs/common';

import { installPages, type InstallPage } from './install-pages';
import { oauthInstalls } from './oauth-metrics';
import { OAuthStateRepository } from './oauth-state.repository';
import { SallaOAuthClient } from './salla-oauth.client';

export type StartInstallResult = { redirectTo: string } | { page: InstallPage };

/** `GET /oauth/salla/install`: a fresh server-side state, then off to Salla's authorize page. */
@Injectable()
export class StartInstallUseCase {
  private readonly logger = new Logger(StartInstallUseCase.name);

  constructor(
    private readonly states: OAuthStateRepository,
    private readonly salla: SallaOAuthClient,
  ) {}

  async execute(): Promise<StartInstallResult> {
    let state: string;
    try {
      state = await this.states.issue();
    } catch (err) {
      oauthInstalls.add(1, { outcome: 'state_store_unavailable' });
      this.logger.warn({ msg: 'could not store an OAuth state', error: describe(err) });
      return { page: installPages.tryAgain() };
    }
    oauthInstalls.add(1, { outcome: 'started' });
    return { redirectTo: this.salla.authorizeUrl(state) };
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
