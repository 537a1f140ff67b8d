import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';

import type { TopicSpec } from '@app/contracts';

import { computeBackoff, sleep } from '../backoff';
import type { ConsumerState } from '../consumer-types';
import { describeError } from '../errors';
import { ensureTopics } from '../topic-admin';

import type { KafkaEventTransport } from './kafka-event.transport';

/**
 * Creates this service's declared topics (and their DLTs) at start, in the background and retrying until it
 * works, so a fresh cluster needs no manual step and a Kafka outage at start does not crash the process.
 */
export class TopicBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private readonly logger = new Logger(TopicBootstrap.name);
  private ready = false;
  private lastError: string | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly specs: readonly TopicSpec[],
    private readonly replicationFactor?: number,
  ) {}

  onApplicationBootstrap(): void {
    this.running ??= this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  /** `ready`: every spec exists with leaders. */
  get state(): { ready: boolean; lastError: string | null } {
    return { ready: this.ready, lastError: this.lastError };
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.abort.signal.aborted; attempt += 1) {
      try {
        await ensureTopics(this.kafka, this.specs, { replicationFactor: this.replicationFactor });
        this.ready = true;
        return;
      } catch (err) {
        this.lastError = describeError(err);
        const delay = computeBackoff(attempt, { baseMs: 1_000, maxMs: 30_000 });
        this.logger.warn(`cannot create topics yet (retry in ${delay} ms): ${this.lastError}`);
        await sleep(delay, this.abort.signal);
      }
    }
  }
}

export interface KafkaConnectivityDetails {
  topics: { ready: boolean; lastError: string | null };
  consumer: ConsumerState;
}

/**
 * What a readiness check needs to know about Kafka. `check()` resolves when the broker answers
 * (`describeCluster`), the declared topics exist, and the consumer (if this app started one) is a running
 * group member; it rejects with a readable reason otherwise.
 */
export class KafkaConnectivity implements OnApplicationShutdown {
  private admin: Promise<Admin> | null = null;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicBootstrap,
    private readonly transport: KafkaEventTransport,
  ) {}

  async check(timeoutMs = 3_000): Promise<void> {
    // Known state first: it is free and carries the real reason (e.g. ECONNREFUSED), where a round trip to a
    // dead broker would only end in a probe timeout.
    const topics = this.topics.state;
    if (!topics.ready)
      throw new Error(`kafka topics not created yet${topics.lastError ? `: ${topics.lastError}` : ''}`);
    const consumer = this.transport.state();
    if (consumer.status !== 'running' && consumer.status !== 'idle') {
      throw new Error(
        `kafka consumer is ${consumer.status}${consumer.lastError ? `: ${consumer.lastError}` : ''}`,
      );
    }
    await this.withTimeout(this.describeCluster(), timeoutMs);
  }

  details(): KafkaConnectivityDetails {
    return { topics: this.topics.state, consumer: this.transport.state() };
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const admin = this.admin;
    this.admin = null;
    if (admin) await admin.then((a) => a.disconnect()).catch(() => undefined);
  }

  private async describeCluster(): Promise<void> {
    if (this.closed) throw new Error('kafka connectivity check is shut down');
    const pending = (this.admin ??= this.connectAdmin());
    try {
      const admin = await pending;
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('kafka cluster reports no brokers');
    } catch (err) {
      // Start from a fresh connection next time.
      if (this.admin === pending) this.admin = null;
      await pending.then((a) => a.disconnect()).catch(() => undefined);
      throw new Error(`kafka unreachable: ${describeError(err)}`);
    }
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }

  private async withTimeout(work: Promise<void>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`kafka did not answer within ${ms} ms`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
