import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** kafkajs log level (default WARN); its lines go through Nest's Logger under the `Kafka` context. */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
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
    // Two instances creating the same topics at start race; the loser's broker answer is "already exists",
    // which ensureTopics treats as success. kafkajs logs the raw response at error level first: not an error.
    if (isExpectedTopicRace(extra)) logger.debug(line);
    else if (level === logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else if (level === logLevel.INFO) logger.log(line);
    else logger.debug(line);
  };
}

function isExpectedTopicRace(extra: Record<string, unknown>): boolean {
  return extra.error === 'Topic creation errors';
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
    retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 10_000 },
  });
}
