import { Module } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { PersistenceModule } from '@app/persistence';

import type { GatewayEnv } from '../gateway.env';
import { CompleteInstallUseCase } from './complete-install.use-case';
import { CUSTOM_MODE_SETTINGS, customModeSettingsFrom } from './custom-mode.settings';
import { SallaOAuthController } from './oauth.controller';
import { OAuthStateRepository } from './oauth-state.repository';
import {
  OAUTH_STATE_COLLECTION,
  OAUTH_STATE_MODEL,
  OAUTH_STATE_USE_COLLECTION,
  OAUTH_STATE_USE_MODEL,
  oauthStateSchema,
  oauthStateUseSchema,
} from './oauth-state.schema';
import { OAuthStateSweeper } from './oauth-state.sweeper';
import { SallaOAuthClient } from './salla-oauth.client';
import { StartInstallUseCase } from './start-install.use-case';

/** Custom-mode OAuth install: GET /oauth/salla/install and /oauth/salla/callback. */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: OAUTH_STATE_MODEL, schema: oauthStateSchema, collection: OAUTH_STATE_COLLECTION },
      { name: OAUTH_STATE_USE_MODEL, schema: oauthStateUseSchema, collection: OAUTH_STATE_USE_COLLECTION },
    ]),
  ],
  controllers: [SallaOAuthController],
  providers: [
    {
      provide: CUSTOM_MODE_SETTINGS,
      inject: [APP_CONFIG],
      useFactory: (env: GatewayEnv) => customModeSettingsFrom(env),
    },
    OAuthStateRepository,
    OAuthStateSweeper,
    SallaOAuthClient,
    StartInstallUseCase,
    CompleteInstallUseCase,
  ],
})
export class OAuthModule {}
