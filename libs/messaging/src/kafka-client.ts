import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** kafkajs log level (default WARN); its lines go through Nest's Logger under the `Kafka` context. */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * kafkajs' own retries of connects and requests (default 5, ~10 s against a dead broker). Paths with a
   * backoff loop of their own (topic bootstrap, readiness) use 0 so the real error surfaces at once.
   */
  retries?: number;
}

function nestLogCreator(): (entry: LogEntry) => void {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const {
      message,
      timestamp: _timestamp,
      logger: _logger,
      ...extra
    } = log as LogEntry['log'] & {
      logger?: unknown;
    };
    const line = `[${namespace}] ${message}${Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''}`;
    const effective = effectiveKafkaLogLevel(level, extra);
    if (effective === logLevel.ERROR) logger.error(line);
    else if (effective === logLevel.WARN) logger.warn(line);
    else if (effective === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
}

/**
 * Broker answers that kafkajs retries by itself: a topic that another instance created first, a group
 * coordinator still loading right after a broker start, a leader moving. Worth a warning, not an error page.
 */
const RETRIABLE_RESPONSE =
  /Topic creation errors|coordinator is loading|not the correct coordinator|no leader for this topic-partition|leader is not available/i;

/** The level a kafkajs log line is written at: retriable broker answers drop from error to warn. */
export function effectiveKafkaLogLevel(level: logLevel, extra: Record<string, unknown>): logLevel {
  const retriable = typeof extra.error === 'string' && RETRIABLE_RESPONSE.test(extra.error);
  return level === logLevel.ERROR && retriable ? logLevel.WARN : level;
}

/** A kafkajs client with our defaults. One per process is enough; producers/consumers/admins hang off it. */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => nestLogCreator(),
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    retry: { initialRetryTime: 300, retries: options.retries ?? 5, maxRetryTime: 10_000 },
  });
}
