import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

import { ConfigValidationError, loadConfig, type BaseEnv } from '@app/config';
import { KafkaEventTransport } from '@app/messaging';
import { JsonLogger, shutdownTelemetry } from '@app/observability';

import type { ServiceDefinition } from './service-definition';
import { ServiceModule } from './service.module';

export interface RunningService {
  app: NestFastifyApplication;
  /** The HTTP address actually bound (port 0 resolves to a real port). */
  url: string;
  /** Graceful stop: Kafka consumer drains and commits, HTTP closes, Mongo disconnects, telemetry flushes. */
  stop(): Promise<void>;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Install SIGTERM/SIGINT handlers that stop gracefully and exit. Off in tests. */
  handleSignals?: boolean;
}

/**
 * Starts a hybrid service: validates the environment (refusing to start with every problem listed), builds
 * the Nest app on Fastify, connects the Kafka consumer strategy, and listens for HTTP. Kafka and Mongo are
 * reached in the background with backoff, so the HTTP side (health, metrics) answers from the first second
 * and /health/ready says what is still missing.
 */
export async function runService<E extends BaseEnv>(
  definition: ServiceDefinition<E>,
  options: RunOptions = {},
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = loadConfig(definition.envSchema, env, definition.name);
  const logger = new JsonLogger({ service: definition.name, level: config.LOG_LEVEL });

  const http = definition.http?.(config) ?? {};
  const app = await NestFactory.create<NestFastifyApplication>(
    ServiceModule.forService(definition, config),
    new FastifyAdapter(http.bodyLimit === undefined ? {} : { bodyLimit: http.bodyLimit }),
    { logger, bufferLogs: false, abortOnError: false, rawBody: http.rawBody ?? false },
  );
  app.connectMicroservice({ strategy: app.get(KafkaEventTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.log(`${definition.name} listening on ${url}`, 'Bootstrap');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.log(`${definition.name} stopping`, 'Bootstrap');
      await app.close();
      logger.log(`${definition.name} stopped`, 'Bootstrap');
    })());

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        // A wedged dependency must not keep a pod in Terminating forever.
        setTimeout(() => {
          logger.error(
            `${definition.name} did not stop within ${config.SHUTDOWN_TIMEOUT_MS + 5000} ms`,
            'Bootstrap',
          );
          process.exit(1);
        }, config.SHUTDOWN_TIMEOUT_MS + 5000).unref();
        void stop()
          .then(() => shutdownTelemetry())
          .then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error(err instanceof Error ? err : String(err), 'Bootstrap');
              process.exit(1);
            },
          );
      });
    }
  }
  return { app, url, stop };
}

/** `main.ts` entry: runs the service, turning a bad environment into a readable refusal and exit code 78. */
export function main<E extends BaseEnv>(definition: ServiceDefinition<E>): void {
  runService(definition, { handleSignals: true }).catch((err: unknown) => {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG: a supervisor should not restart-loop on this without a human.
    }
    process.stderr.write(
      `${definition.name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
