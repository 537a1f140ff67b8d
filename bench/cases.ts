// The measurements behind `npm run bench`. Each run gets its own fresh topic (6 partitions) and consumer group;
// every topic made here is deleted by Bench.close(). Not a test: nothing here asserts on timings.
import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { logLevel, Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';

import { deadLetterTopicOf, type EventEnvelope, type TopicSpec } from '@app/contracts';
import { createKafka, ensureTopics, EventPublisher, newEnvelope, ReliableConsumer } from '@app/messaging';

/** Envelope type of bench events (must look like `<a>.<b>.<c>.v<N>`). */
const BENCH_TYPE = 'bench.thing.happened.v1';
const PARTITIONS = 6;
const BATCH = 100;
/** Partitions handled in parallel by every consumer here (ReliableConsumer's default, set on kafkajs' too). */
export const PARTITIONS_IN_PARALLEL = 3;
/** Keys spread over all partitions, like per-store keys do. */
const KEYS = 60;
/** Hang guard only: a run that has not finished after this long is an error, not a slow result. */
const HANG_GUARD_MS = 120_000;

/** The "small payload class" the ReliableConsumer validates against. */
export class BenchPayload {
  @IsString()
  @IsNotEmpty()
  sku!: string;

  @IsInt()
  @Min(0)
  seq!: number;
}

/** Silent on routine lines, loud on problems (a dead letter in a bench run means a broken bench). */
const logger = {
  log: (): void => undefined,
  debug: (): void => undefined,
  warn: (msg: unknown): void => console.warn(`[bench] ${String(msg)}`),
  error: (msg: unknown): void => console.error(`[bench] ${String(msg)}`),
};

export interface Throughput {
  messages: number;
  ms: number;
  perSecond: number;
}

export interface Latency {
  messages: number;
  p50: number;
  p99: number;
  max: number;
}

function name(label: string): string {
  return `bench-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function throughput(messages: number, ms: number): Throughput {
  return { messages, ms, perSecond: (messages / ms) * 1000 };
}

interface Outgoing {
  key: string;
  envelope: EventEnvelope<BenchPayload>;
}

/** Event number `seq`, keyed by its store (60 stores, spread over the partitions like real per-store keys). */
function outgoing(seq: number): Outgoing {
  const storeId = `store-${seq % KEYS}`;
  return { key: storeId, envelope: newEnvelope(BENCH_TYPE, storeId, { sku: `sku-${seq}`, seq }) };
}

function toMessage({ key, envelope }: Outgoing): Message {
  return { key, value: JSON.stringify(envelope) };
}

/** Counts handled messages; `done` resolves at `target` (rejects after the hang guard). */
class Counter {
  count = 0;
  first = 0;
  last = 0;
  readonly done: Promise<void>;
  private resolve!: () => void;

  constructor(readonly target: number) {
    this.done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${this.count}/${target} messages handled after ${HANG_GUARD_MS} ms`)),
        HANG_GUARD_MS,
      );
      timer.unref(); // never keeps a failed run's process alive
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  tick(): void {
    const now = performance.now();
    if (this.count === 0) this.first = now;
    this.count += 1;
    if (this.count === this.target) {
      this.last = now;
      this.resolve();
    }
  }

  /** Rate from the first to the last message handled (count - 1 intervals). */
  result(): Throughput {
    const ms = this.last - this.first;
    return { messages: this.count, ms, perSecond: ((this.count - 1) / ms) * 1000 };
  }
}

export class Bench {
  readonly kafka: Kafka;
  private readonly admin: Admin;
  /** Plain kafkajs producer (kafkajs defaults, acks=-1 per send): fills topics and is the publish baseline. */
  private readonly producer: Producer;
  private readonly topics: string[] = [];

  constructor(
    brokers: string[],
    /** Publish runs stop starting new sends after this long (keeps the slow sequential case bounded). */
    readonly publishBudgetMs: number,
  ) {
    this.kafka = createKafka({ clientId: name('client'), brokers, logLevel: logLevel.ERROR });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  }

  async open(): Promise<void> {
    await Promise.all([this.admin.connect(), this.producer.connect()]);
  }

  /** Broker count and `inter.broker.protocol.version` (e.g. 3.9-IV0): kafkajs has no other version probe. */
  async brokerInfo(): Promise<{ brokers: number; protocol: string }> {
    const cluster = await this.admin.describeCluster();
    const configs = await this.admin.describeConfigs({
      resources: [
        {
          type: 4, // ConfigResourceTypes.BROKER (a const enum in kafkajs' typings, unusable with isolatedModules)
          name: String(cluster.brokers[0].nodeId),
          configNames: ['inter.broker.protocol.version'],
        },
      ],
      includeSynonyms: false,
    });
    const protocol = configs.resources[0]?.configEntries[0]?.configValue ?? 'unknown';
    return { brokers: cluster.brokers.length, protocol };
  }

  /** Deletes every topic this bench created, then disconnects. */
  async close(): Promise<void> {
    try {
      if (this.topics.length > 0) await this.admin.deleteTopics({ topics: this.topics });
    } finally {
      await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    }
  }

  /** A fresh 6-partition topic plus its DLT (the ReliableConsumer's dead-letter path needs one). */
  private async freshTopic(label: string): Promise<string> {
    const topic = name(label);
    const common = { retentionMs: 3_600_000, cleanupPolicy: 'delete' } as const;
    const specs: TopicSpec[] = [
      { topic, numPartitions: PARTITIONS, kind: 'event', ...common },
      {
        topic: deadLetterTopicOf(topic),
        numPartitions: 1,
        kind: 'dead-letter',
        deadLetterOf: topic,
        ...common,
      },
    ];
    this.topics.push(...specs.map((s) => s.topic));
    await ensureTopics(this.kafka, specs, { logger });
    return topic;
  }

  /** A fresh topic holding `n` valid envelopes, written in batches (not measured). */
  private async filledTopic(label: string, n: number): Promise<string> {
    const topic = await this.freshTopic(label);
    for (let i = 0; i < n; i += 1000) {
      const messages = Array.from({ length: Math.min(1000, n - i) }, (_, j) => toMessage(outgoing(i + j)));
      await this.producer.send({ topic, messages, acks: -1 });
    }
    return topic;
  }

  /**
   * 1. Plain kafkajs `eachMessage`, JSON.parse only: with autoCommit (the kafkajs default), or, to isolate
   * what our commit discipline costs, committing `offset + 1` after every message as ReliableConsumer does.
   */
  async consumePlain(n: number, commitEach: boolean): Promise<Throughput> {
    const topic = await this.filledTopic('plain', n);
    const counter = new Counter(n);
    // Same fetch wait and partition concurrency as ReliableConsumer's defaults, so only the per-message work differs.
    const consumer = this.kafka.consumer({ groupId: name('plain'), maxWaitTimeInMs: 1_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: !commitEach,
        partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
        eachMessage: async ({ partition, message }) => {
          JSON.parse(message.value?.toString('utf8') ?? 'null');
          if (commitEach) {
            const offset = (BigInt(message.offset) + 1n).toString();
            await consumer.commitOffsets([{ topic, partition, offset }]);
          }
          counter.tick();
        },
      });
      await counter.done;
    } finally {
      await consumer.disconnect();
    }
    return counter.result();
  }

  /** 2. Our consumer: validation against BenchPayload, commit after every message, no-op handler. */
  async consumeReliable(n: number): Promise<Throughput> {
    const topic = await this.filledTopic('reliable', n);
    const counter = new Counter(n);
    const { consumer, publisher } = this.reliableConsumer(topic, () => counter.tick());
    try {
      consumer.start();
      await counter.done;
    } finally {
      await consumer.stop();
      await publisher.close();
    }
    return counter.result();
  }

  private reliableConsumer(
    topic: string,
    handler: (payload: BenchPayload) => void,
  ): { consumer: ReliableConsumer; publisher: EventPublisher } {
    const publisher = new EventPublisher(this.kafka, { logger }); // only used for dead letters
    const consumer = new ReliableConsumer({
      kafka: this.kafka,
      groupId: name('reliable'),
      service: 'bench',
      publisher,
      maxAttempts: 3,
      retryBaseMs: 100,
      shutdownTimeoutMs: 10_000,
      partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
      logger,
    }).handle(topic, BenchPayload, (event) => handler(event.payload), { expectedType: BENCH_TYPE });
    return { consumer, publisher };
  }

  /**
   * 3. Publishing. `send` gets one batch of messages (built inside the timed loop, as a caller would) and
   * resolves once they are all acked; batches are sent one after another until `n` or the time budget.
   */
  private async publishRun(
    n: number,
    label: string,
    batchSize: number,
    send: (topic: string, batch: Outgoing[]) => Promise<unknown>,
  ): Promise<Throughput> {
    const topic = await this.freshTopic(label);
    const start = performance.now();
    let sent = 0;
    while (sent < n && performance.now() - start < this.publishBudgetMs) {
      const size = Math.min(batchSize, n - sent);
      const batch = Array.from({ length: size }, (_, j) => outgoing(sent + j));
      await send(topic, batch);
      sent += size;
    }
    return throughput(sent, performance.now() - start);
  }

  /** Plain kafkajs `producer.send` of 100 messages per request, acks=-1 (not idempotent: kafkajs defaults). */
  publishBaseline(n: number): Promise<Throughput> {
    return this.publishRun(n, 'pub-base', BATCH, (topic, batch) =>
      this.producer.send({ topic, messages: batch.map(toMessage), acks: -1 }),
    );
  }

  /** EventPublisher.publish, one awaited call per message (`concurrency` 1) or `concurrency` in flight. */
  async publishEvents(n: number, concurrency: number): Promise<Throughput> {
    const publisher = new EventPublisher(this.kafka, { logger });
    await publisher.connect();
    try {
      return await this.publishRun(n, `pub-${concurrency}`, concurrency, (topic, batch) =>
        Promise.all(batch.map(({ key, envelope }) => publisher.publish(topic, envelope, { key }))),
      );
    } finally {
      await publisher.close();
    }
  }

  /** EventPublisher.publishRaw with 100 messages per call: our idempotent producer, batched. */
  async publishRawBatches(n: number): Promise<Throughput> {
    const publisher = new EventPublisher(this.kafka, { logger });
    await publisher.connect();
    try {
      return await this.publishRun(n, 'pub-raw', BATCH, (topic, batch) =>
        publisher.publishRaw(topic, batch.map(toMessage)),
      );
    } finally {
      await publisher.close();
    }
  }

  /**
   * 4. End-to-end latency through EventPublisher.publish → ReliableConsumer handler at a fixed rate. Measured
   * from each message's scheduled send time, so a publisher falling behind shows up as latency.
   */
  async latency(ratePerSecond: number, seconds: number): Promise<Latency> {
    const topic = await this.freshTopic('latency');
    const total = ratePerSecond * seconds;
    const warmup = 20;
    const scheduled = new Float64Array(total);
    const latencies: number[] = [];
    let counter = new Counter(warmup);
    const { consumer, publisher } = this.reliableConsumer(topic, ({ seq }) => {
      if (seq >= warmup) latencies.push(performance.now() - scheduled[seq - warmup]);
      counter.tick();
    });
    const publish = (seq: number): Promise<unknown> => {
      const { key, envelope } = outgoing(seq);
      return publisher.publish(topic, envelope, { key });
    };
    try {
      consumer.start();
      await consumer.whenRunning();
      // Warm-up: the consumer has fetched once and the producer is connected before the clock starts.
      await Promise.all(Array.from({ length: warmup }, (_, i) => publish(i)));
      await counter.done;

      counter = new Counter(total);
      const inFlight: Promise<unknown>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < total;) {
        for (; i < total && t0 + (i * 1000) / ratePerSecond <= performance.now(); i += 1) {
          scheduled[i] = t0 + (i * 1000) / ratePerSecond;
          inFlight.push(publish(warmup + i));
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inFlight);
      await counter.done;
    } finally {
      await consumer.stop();
      await publisher.close();
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return { messages: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
  }
}
