import { DynamicModule, Module } from '@nestjs/common';
import { MongoConnection } from '@app/persistence';

import { CryptoOptions, CryptoService } from './crypto.service';
import { registerKeyringModel } from './keyring';
import { loadMasterKey, MasterKey, MasterKeyEnv } from './master-key';

export interface CryptoModuleOptions extends Omit<CryptoOptions, 'logger'> {
  /** Where the master key comes from: the validated config (`BaseEnv` has MASTER_KEY / MASTER_KEY_FILE). */
  masterKey: MasterKeyEnv;
  /**
   * Database of the keyring, on the app's Mongo connection. Default: the service's own database. Services
   * that must open each other's values (a blob sealed by one service, opened by another) must point at the
   * same keyring database.
   */
  keyringDbName?: string;
}

const MASTER_KEY = Symbol('CRYPTO_MASTER_KEY');

/**
 * Provides `CryptoService` app-wide. Needs `PersistenceModule.forRoot(...)` (the keyring lives in Mongo).
 * A missing or invalid master key fails app creation with `MasterKeyConfigError`.
 */
@Module({})
export class CryptoModule {
  static forRoot(options: CryptoModuleOptions): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [
        { provide: MASTER_KEY, useFactory: () => loadMasterKey(options.masterKey) },
        {
          provide: CryptoService,
          useFactory: (mongo: MongoConnection, masterKey: MasterKey) =>
            new CryptoService(registerKeyringModel(mongo, options.keyringDbName), masterKey, options),
          inject: [MongoConnection, MASTER_KEY],
        },
      ],
      exports: [CryptoService],
    };
  }
}
