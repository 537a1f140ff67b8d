import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';

import { CryptoService } from '@app/crypto';
import { MongoConnection, MongoLeases, registerLeaseModel } from '@app/persistence';

import { SallaTokenRepository } from './salla-token.repository';
import { SALLA_TOKEN_COLLECTION, SALLA_TOKEN_MODEL, sallaTokenSchema } from './salla-token.schema';
import { SallaTokenVault } from './salla-token-vault';
import { TokenCustody, type TokenCustodyOptions } from './token-custody';

export interface SallaTokensModuleOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  /** Builds the custody options from injected config (client id/secret, instance id, callback…). */
  useFactory: (...args: any[]) => TokenCustodyOptions | Promise<TokenCustodyOptions>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const CUSTODY_OPTIONS = Symbol('SALLA_TOKEN_CUSTODY_OPTIONS');
const CUSTODY_PARTS = Symbol('SALLA_TOKEN_CUSTODY_PARTS');

export interface TokenCustodyParts {
  custody: TokenCustody;
  vault: SallaTokenVault;
  leases: MongoLeases;
}

/** The Salla token custody, wired as plain classes by `createTokenCustody` (for scripts and tests). */
export function createTokenCustody(
  mongo: MongoConnection,
  crypto: CryptoService,
  options: TokenCustodyOptions,
): TokenCustodyParts {
  const repository = new SallaTokenRepository(
    mongo.model(SALLA_TOKEN_MODEL, sallaTokenSchema, { collection: SALLA_TOKEN_COLLECTION }),
  );
  const vault = new SallaTokenVault(repository, crypto, options.clock);
  const leases = new MongoLeases(registerLeaseModel(mongo), { clock: options.clock });
  return { custody: new TokenCustody(vault, leases, options), vault, leases };
}

/**
 * Provides `TokenCustody` (inject it where the Salla API client needs `SallaAccessTokens`) and
 * `SallaTokenVault` (for the install / authorize / uninstall handlers). Needs the app's `MongoConnection` and
 * `CryptoService` (PersistenceModule.forRoot, CryptoModule.forRoot).
 */
@Module({})
export class SallaTokensModule {
  static forRootAsync(options: SallaTokensModuleOptions): DynamicModule {
    return {
      module: SallaTokensModule,
      imports: options.imports ?? [],
      providers: [
        { provide: CUSTODY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: CUSTODY_PARTS,
          useFactory: (mongo: MongoConnection, crypto: CryptoService, custodyOptions: TokenCustodyOptions) =>
            createTokenCustody(mongo, crypto, custodyOptions),
          inject: [MongoConnection, CryptoService, CUSTODY_OPTIONS],
        },
        { provide: TokenCustody, useFactory: (p: TokenCustodyParts) => p.custody, inject: [CUSTODY_PARTS] },
        { provide: SallaTokenVault, useFactory: (p: TokenCustodyParts) => p.vault, inject: [CUSTODY_PARTS] },
      ],
      exports: [TokenCustody, SallaTokenVault],
    };
  }
}
