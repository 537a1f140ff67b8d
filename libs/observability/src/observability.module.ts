import { DynamicModule, Global, Module } from '@nestjs/common';

import { JsonLogger, type JsonLoggerOptions } from './json-logger';
import { MetricsController } from './metrics.controller';
import { startTelemetry } from './telemetry';

export interface ObservabilityModuleOptions {
  serviceName: string;
  logger?: Omit<JsonLoggerOptions, 'service'>;
}

/**
 * Serves `GET /metrics` and provides a {@link JsonLogger}. If `startTelemetry` has not run (a test, a
 * forgotten telemetry.ts) it starts metrics only, so `/metrics` never answers with nothing.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    startTelemetry({ serviceName: options.serviceName, enabled: false });
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: JsonLogger,
          useFactory: () => new JsonLogger({ ...options.logger, service: options.serviceName }),
        },
      ],
      exports: [JsonLogger],
    };
  }
}
