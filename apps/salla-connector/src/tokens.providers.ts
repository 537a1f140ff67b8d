import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import { Logger, type Provider } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { CryptoService } from '@app/crypto';
import { MongoConnection, MongoLeases } from '@app/persistence';

import { ActivityLog } from './activity/activity-log';
import type { SallaConnectorEnv } from './salla-connector.env';
import { createTokenCustody, SallaTokenVault, TokenCustody, type TokenCustodyParts } from './tokens';

const TOKEN_PARTS = Symbol('SALLA_TOKEN_PARTS');
const HOUR_MS = 3600_000;

/**
 * Token custody, the vault it keeps tokens in and the Mongo leases (shared with the backfill and the stock
 * flusher), built once per process. A store that must be reauthorized gets one activity-log line saying so.
 */
export const TokenCustodyProviders: Provider[] = [
  {
    provide: TOKEN_PARTS,
    inject: [MongoConnection, CryptoService, APP_CONFIG, ActivityLog],
    useFactory: (
      mongo: MongoConnection,
      crypto: CryptoService,
      config: SallaConnectorEnv,
      activity: ActivityLog,
    ): TokenCustodyParts =>
      createTokenCustody(mongo, crypto, {
        oauthUrl: config.SALLA_OAUTH_URL,
        clientId: config.SALLA_CLIENT_ID,
        clientSecret: config.SALLA_CLIENT_SECRET,
        instanceId: `${hostname()}:${randomUUID().slice(0, 8)}`,
        refreshAheadMs: config.SALLA_TOKEN_REFRESH_AHEAD_HOURS * HOUR_MS,
        logger: new Logger(TokenCustody.name),
        onReauthorizationRequired: (storeId, reason) =>
          activity.record(storeId, {
            direction: 'odoo_to_salla',
            entityType: 'store',
            entityId: storeId,
            outcome: 'failed',
            errorCode: 'salla.reauthorization_required',
            message:
              reason === 'invalid_grant'
                ? 'Salla no longer accepts this store’s authorization: reinstall or re-authorize the app in Salla'
                : 'The store’s Salla authorization could not be renewed safely: re-authorize the app in Salla',
            eventId: randomUUID(),
          }),
      }),
  },
  { provide: TokenCustody, inject: [TOKEN_PARTS], useFactory: (p: TokenCustodyParts) => p.custody },
  { provide: SallaTokenVault, inject: [TOKEN_PARTS], useFactory: (p: TokenCustodyParts) => p.vault },
  { provide: MongoLeases, inject: [TOKEN_PARTS], useFactory: (p: TokenCustodyParts) => p.leases },
];
