import type { DynamicModule, Type } from '@nestjs/common';

import type { BaseEnv } from '@app/config';

/** What makes one service different from the others; everything else is shared start-up and shutdown. */
export interface ServiceDefinition<E extends BaseEnv> {
  /** Service name: logs, metrics, consumer group, `x-dlt-service`, default Kafka client id. */
  name: string;
  /** Database this service owns when MONGODB_DB is unset. */
  defaultDbName: string;
  /** Environment schema (extends BaseEnv); validated once before anything else is built. */
  envSchema: new () => E;
  /** Every topic this service consumes or publishes; created with their DLTs at start. */
  topics: readonly string[];
  /** The service's own feature modules, built from the validated config. */
  features: (config: E) => Array<Type | DynamicModule>;
  /** HTTP server settings; the gateway needs the raw body (webhook signatures) and its own body limit. */
  http?: (config: E) => HttpOptions;
}

export interface HttpOptions {
  /** Largest request body in bytes; Fastify answers 413 above it. Default: Fastify's 1 MiB. */
  bodyLimit?: number;
  /** Keep the exact request bytes as `req.rawBody` (a Buffer) next to the parsed body. */
  rawBody?: boolean;
}
