import { Logger, type Provider } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { SallaApiClient } from './salla-api';
import type { SallaConnectorEnv } from './salla-connector.env';
import { StoresRepository } from './stores/stores.repository';
import { TokenCustody } from './tokens';

/** One Salla API client per process: its rate limiter must see every call this instance makes for a store. */
export const SallaApiProvider: Provider = {
  provide: SallaApiClient,
  inject: [APP_CONFIG, TokenCustody, StoresRepository],
  useFactory: (config: SallaConnectorEnv, tokens: TokenCustody, stores: StoresRepository) => {
    const logger = new Logger(SallaApiClient.name);
    return new SallaApiClient({
      baseUrl: config.SALLA_API_URL,
      tokens,
      plans: stores,
      timeoutMs: config.SALLA_API_TIMEOUT_MS,
      logger: { warn: (message, fields) => logger.warn({ msg: message, ...fields }) },
    });
  },
};
