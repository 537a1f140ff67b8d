import { DynamicModule, Global, Module } from '@nestjs/common';

import { loadConfig } from './load-config';

/** Injection token for the validated config object of the running service. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class AppConfigModule {
  /** Validates the environment once; a bad environment throws before any provider is built. */
  static forRoot<T extends object>(schema: new () => T, service: string, env = process.env): DynamicModule {
    const config = loadConfig(schema, env, service);
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }

  /** For callers that validated already (main.ts validates before Nest boots to fail fast). */
  static withValue<T extends object>(config: T): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
