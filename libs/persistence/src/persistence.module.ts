import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';

import { MongoConnection, MongoConnectionOptions, RegisterModelOptions } from './mongo-connection';

/** What `PersistenceModule.forFeature` registers; inject the model with `@InjectModel(name)`. */
export interface ModelDefinition extends RegisterModelOptions {
  name: string;
  schema: Schema<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface PersistenceModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: any[]) => MongoConnectionOptions; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Environment fields this lib reads (a `BaseEnv` satisfies it). */
export interface MongoEnv {
  MONGODB_URI: string;
  MONGODB_DB?: string;
}

/** `{ uri, dbName }` from the validated environment; `defaultDbName` is the service's own database name. */
export function mongoOptionsFromEnv(env: MongoEnv, defaultDbName: string): MongoConnectionOptions {
  return { uri: env.MONGODB_URI, dbName: env.MONGODB_DB ?? defaultDbName, appName: defaultDbName };
}

function rootProviders(connection: Provider): Provider[] {
  return [
    connection,
    // For code that prefers @InjectConnection() from @nestjs/mongoose.
    {
      provide: getConnectionToken(),
      useFactory: (m: MongoConnection) => m.connection,
      inject: [MongoConnection],
    },
  ];
}

/**
 * `forRoot` / `forRootAsync` provide one `MongoConnection` for the whole app (global module). Nest's init does not wait for the database: the
 * connection starts in `onModuleInit` in the background and closes on application shutdown.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: MongoConnectionOptions): DynamicModule {
    const connection: Provider = { provide: MongoConnection, useFactory: () => new MongoConnection(options) };
    return {
      module: PersistenceModule,
      global: true,
      providers: rootProviders(connection),
      exports: [MongoConnection, getConnectionToken()],
    };
  }

  static forRootAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    const connection: Provider = {
      provide: MongoConnection,
      useFactory: (...args: unknown[]) => new MongoConnection(options.useFactory(...args)),
      inject: options.inject ?? [],
    };
    return {
      module: PersistenceModule,
      global: true,
      imports: options.imports ?? [],
      providers: rootProviders(connection),
      exports: [MongoConnection, getConnectionToken()],
    };
  }

  /** Registers models on the app's connection; each is injectable with `@InjectModel(definition.name)`. */
  static forFeature(models: ModelDefinition[]): DynamicModule {
    const providers: Provider[] = models.map((def) => ({
      provide: getModelToken(def.name),
      useFactory: (m: MongoConnection) => m.model(def.name, def.schema, def),
      inject: [MongoConnection],
    }));
    return { module: PersistenceModule, providers, exports: providers };
  }
}
