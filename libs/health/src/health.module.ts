import {
  DynamicModule,
  type FactoryProvider,
  Module,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { ReadinessService } from './readiness.service';

export interface HealthModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // Nest factories take whatever `inject` lists; any[] is the framework's own signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => HealthModuleOptions | Promise<HealthModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * `GET /health/live` and `GET /health/ready`.
 *
 * ```ts
 * HealthModule.forRoot({ checks: [mongoProbe(mongo), kafkaProbe(kafka)] })
 * HealthModule.forRootAsync({ inject: [MongoConnection], useFactory: (m) => ({ checks: [mongoProbe(m)] }) })
 * ```
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return HealthModule.build([], { provide: HEALTH_OPTIONS, useValue: validate(options) });
  }

  static forRootAsync(options: HealthModuleAsyncOptions): DynamicModule {
    return HealthModule.build(options.imports ?? [], {
      provide: HEALTH_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => validate(await options.useFactory(...args)),
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: Provider,
  ): DynamicModule {
    return {
      module: HealthModule,
      // Terminus would log every failed probe at error level; ReadinessService logs changes instead.
      imports: [...imports, TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [optionsProvider, ReadinessService],
      exports: [ReadinessService],
    };
  }
}

function validate(options: HealthModuleOptions): HealthModuleOptions {
  const seen = new Set<string>();
  for (const probe of options.checks) {
    if (!probe.name) throw new Error('HealthModule: every probe needs a name');
    if (seen.has(probe.name)) throw new Error(`HealthModule: two probes are named "${probe.name}"`);
    seen.add(probe.name);
  }
  return options;
}
