import { Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

import { deadLetterTopicOf, validateEvent, type EventEnvelope, type TopicSpec } from '@app/contracts';
import { withStoreContext } from '@app/observability';

import { computeBackoff, sleep } from './backoff';
import { classifyError, describeError, InvalidMessageError } from './errors';
import type { EventPublisher } from './event-publisher';
import { deadLetterHeaders, decodeHeaders } from './headers';
import { ensureTopics, type EnsureTopicsOptions } from './topic-admin';
import { messagingMetrics } from './messaging-metrics';
import { contextFromHeaders, TRACER_NAME } from './tracing';

/**
 * `idle`: not started. `connecting`: (re)connecting, creating topics or joining the group — `lastError` says
 * why it is not running yet. `running`: member of the group, consuming. `stopped`: stop() was called.
 */
export type ConsumerStatus = 'idle' | 'connecting' | 'running' | 'stopped';

export interface ConsumerState {
  status: ConsumerStatus;
  /** The last connection/crash error, kept after recovery for diagnosis; null if none yet. */
  lastError: string | null;
  /** When `status` last changed (ISO 8601). */
  since: string;
}

/** What a handler learns about the message besides the validated event. */
export interface MessageMeta {
  topic: string;
  partition: number;
  offset: string;
  /** UTF-8 key, null for a keyless message. */
  key: string | null;
  /** All headers as UTF-8 strings. */
  headers: Record<string, string>;
  /** Broker/producer timestamp (ms since epoch, as kafkajs gives it). */
  timestamp: string;
  /** 1 on the first try, 2 on the first retry, ... up to maxAttempts. */
  attempt: number;
  /** Aborted when shutdown gives up waiting for this handler (SHUTDOWN_TIMEOUT_MS): stop work, it will be redelivered. */
  signal: AbortSignal;
}

export type EventHandler<P extends object> = (
  event: EventEnvelope<P>,
  meta: MessageMeta,
) => Promise<void> | void;

export interface HandlerOptions {
  /**
   * The envelope `type` this topic must carry; default: the topic name itself (a `Topic` value). A message of
   * another type is dead-lettered as invalid. `null` turns the check off.
   */
  expectedType?: string | null;
}

export interface ReliableConsumerOptions {
  kafka: Kafka;
  groupId: string;
  /** This service's name, written to `x-dlt-service`. */
  service: string;
  /** Writes dead letters (its acked publish is what allows the commit). */
  publisher: EventPublisher;
  /** Total tries of a transiently failing message before it is dead-lettered (KAFKA_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay, doubled per attempt, with jitter (KAFKA_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** Cap of one retry delay (default 30 s). */
  retryMaxMs?: number;
  /** How long stop() waits for the in-flight handler before giving up on it (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** Partitions processed in parallel; messages of one partition are always sequential. Default 3. */
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest fetch long-poll; also bounds how long stop() waits for an idle fetch. Default 1000. */
  maxWaitTimeMs?: number;
  /** Where a group with no committed offset starts; default true (earliest), so nothing produced before the first deploy is skipped. */
  fromBeginning?: boolean;
  /** Topics to create (if missing) before subscribing: normally `topicSpecsFor(handledTopics)`. */
  ensureTopics?: readonly TopicSpec[];
  ensureTopicsOptions?: EnsureTopicsOptions;
  /** Backoff between reconnection attempts when Kafka is unreachable (default 1 s doubling to 30 s). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  onStatusChange?: (state: ConsumerState) => void;
}

interface Route {
  payloadClass: new () => object;
  handler: EventHandler<object>;
  expectedType: string | undefined;
}

type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

const tracer = trace.getTracer(TRACER_NAME);

/** Heartbeat answers meaning our group membership/assignment is changing (kafkajs `isRebalancing` + eviction). */
const MEMBERSHIP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

function isMembershipError(err: unknown): boolean {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  return typeof type === 'string' && MEMBERSHIP_ERRORS.has(type);
}

/** After giving up on stuck handlers, how long leaving the group and disconnecting may take. */
const DISCONNECT_GRACE_MS = 5_000;

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Consumes topics with at-least-once, per-key ordered, never-blocking semantics:
 *
 * - offsets are committed by hand (offset + 1) only after the handler succeeded or the message was written
 *   to the dead-letter topic and acked; nothing is acknowledged before it is durable;
 * - a partition's messages are processed one at a time (partitions in parallel);
 * - a permanent failure (PermanentError, invalid JSON, failed validation) is dead-lettered at once; any other
 *   failure is retried in-process with exponential backoff and jitter, heartbeating meanwhile, and
 *   dead-lettered after `maxAttempts`, so a poison message never blocks its partition;
 * - each message is handled inside a consumer span whose parent is the trace context from its headers;
 * - a broker that is unreachable at start (or later) is retried forever with backoff; `state` tells a
 *   readiness probe what is going on instead of the process crashing.
 */
export class ReliableConsumer {
  private readonly routes = new Map<string, Route>();
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error' | 'debug'>;
  private readonly stopController = new AbortController();
  /** Aborted only when shutdown stops waiting for in-flight handlers. */
  private readonly handlerAbort = new AbortController();
  private readonly runningWaiters = new Set<() => void>();
  private current: ConsumerState = { status: 'idle', lastError: null, since: new Date().toISOString() };
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: ReliableConsumerOptions) {
    if (options.maxAttempts < 1) throw new Error('maxAttempts must be at least 1');
    this.logger = options.logger ?? new Logger(`ReliableConsumer:${options.groupId}`);
  }

  /** Registers the handler and payload class of `topic`. Call before start(). */
  handle<P extends object>(
    topic: string,
    payloadClass: new () => P,
    handler: EventHandler<P>,
    options: HandlerOptions = {},
  ): this {
    if (this.loop) throw new Error('handle() must be called before start()');
    if (this.routes.has(topic)) throw new Error(`a handler for ${topic} is already registered`);
    this.routes.set(topic, {
      payloadClass,
      handler: handler as EventHandler<object>,
      expectedType: options.expectedType === null ? undefined : (options.expectedType ?? topic),
    });
    return this;
  }

  get topics(): string[] {
    return [...this.routes.keys()];
  }

  get state(): ConsumerState {
    return { ...this.current };
  }

  /** Starts connecting in the background and returns at once; watch `state` or await `whenRunning()`. */
  start(): void {
    if (this.stopping) throw new Error('consumer was stopped; create a new one');
    if (this.loop) return;
    if (this.routes.size === 0) throw new Error('no handlers registered');
    this.loop = this.runLoop();
  }

  /** Resolves once the consumer has joined its group (rejects after `timeoutMs`). */
  whenRunning(timeoutMs = 30_000): Promise<void> {
    if (this.current.status === 'running') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.runningWaiters.delete(done);
        reject(
          new Error(
            `consumer ${this.options.groupId} not running after ${timeoutMs} ms: ${this.current.lastError ?? this.current.status}`,
          ),
        );
      }, timeoutMs);
      this.runningWaiters.add(done);
    });
  }

  /**
   * Stops fetching, lets the in-flight message of each partition finish (bounded by `shutdownTimeoutMs`),
   * commits it, leaves the group and disconnects. A message waiting for a retry is not retried: it stays
   * uncommitted and is redelivered. Idempotent: later calls return the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.stopController.abort();
    if (this.loop) {
      const finished = await settlesWithin(this.loop, this.options.shutdownTimeoutMs);
      if (!finished) {
        // Stop waiting for stuck handlers: their messages stay uncommitted (redelivered to the next owner),
        // which lets kafkajs finish the batch, leave the group and disconnect.
        this.handlerAbort.abort();
        this.logger.warn(
          `in-flight handlers did not finish within ${this.options.shutdownTimeoutMs} ms; their messages stay uncommitted and will be redelivered`,
        );
        if (!(await settlesWithin(this.loop, DISCONNECT_GRACE_MS))) {
          this.logger.warn(`consumer did not disconnect within ${DISCONNECT_GRACE_MS} ms; giving up on it`);
        }
      }
    }
    this.setStatus('stopped');
  }

  private get isStopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private setStatus(status: ConsumerStatus, lastError?: string): void {
    if (lastError !== undefined) this.current.lastError = lastError;
    if (this.current.status === 'stopped') return;
    if (this.current.status !== status) {
      this.current = { ...this.current, status, since: new Date().toISOString() };
    }
    if (status === 'running') {
      for (const waiter of this.runningWaiters) waiter();
      this.runningWaiters.clear();
    }
    this.options.onStatusChange?.(this.state);
  }

  private createConsumer(): Consumer {
    const o = this.options;
    return o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: o.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
    });
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    const stopped = new Promise<'stop'>((resolve) => {
      this.stopController.signal.addEventListener('abort', () => resolve('stop'), { once: true });
    });
    while (!this.isStopping) {
      this.setStatus('connecting');
      const consumer = this.createConsumer();
      try {
        if (this.options.ensureTopics && this.options.ensureTopics.length > 0) {
          await ensureTopics(this.options.kafka, this.options.ensureTopics, this.options.ensureTopicsOptions);
        }
        const crashed = this.watch(consumer);
        await consumer.connect();
        if (!this.isStopping) {
          await consumer.subscribe({
            topics: this.topics,
            fromBeginning: this.options.fromBeginning ?? true,
          });
          await consumer.run({
            autoCommit: false,
            // Never let kafkajs mark a batch as consumed on its own: we resolve offsets message by message.
            eachBatchAutoResolve: false,
            partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
            eachBatch: (payload) => this.eachBatch(payload),
          });
          const reason = await Promise.race([crashed, stopped]);
          if (reason === 'crash') failures += 1;
          else failures = 0;
        }
      } catch (err) {
        failures += 1;
        this.setStatus('connecting', describeError(err));
        this.logger.warn(`cannot consume yet (attempt ${failures}): ${describeError(err)}`);
      }
      // On stop this waits for the in-flight batches (kafkajs stop), then leaves the group and disconnects.
      await consumer.disconnect().catch((err: unknown) => {
        this.logger.warn(`disconnect failed: ${describeError(err)}`);
      });
      if (this.isStopping) return;
      const delay = computeBackoff(failures, {
        baseMs: this.options.reconnectBaseMs ?? 1_000,
        maxMs: this.options.reconnectMaxMs ?? 30_000,
      });
      await sleep(delay, this.stopController.signal);
    }
  }

  /** Tracks group membership for `state`; resolves when kafkajs crashed and will not restart by itself. */
  private watch(consumer: Consumer): Promise<'crash'> {
    consumer.on(consumer.events.GROUP_JOIN, () => this.setStatus('running'));
    return new Promise<'crash'>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        const message = describeError(payload.error);
        this.setStatus('connecting', message);
        if (payload.restart) {
          this.logger.warn(`consumer crashed, kafkajs restarts it: ${message}`);
        } else {
          this.logger.error(`consumer crashed, reconnecting: ${message}`);
          resolve('crash');
        }
      });
    });
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.isStopping) return;
      const outcome = await this.process(topic, partition, message, heartbeat);
      if (outcome === 'abandoned') return;
      // Durable (handled, or dead letter acked): commit this message before touching the next one.
      await commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(message.offset) + 1n).toString() }] }],
      });
      resolveOffset(message.offset);
      // Unguarded on purpose: a rebalance error here makes kafkajs rejoin the group now.
      await heartbeat();
    }
  }

  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> {
    const headers = decodeHeaders(message.headers);
    const key = message.key ? message.key.toString('utf8') : null;
    return tracer.startActiveSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': this.options.groupId,
          ...(key !== null ? { 'messaging.kafka.message.key': key } : {}),
        },
      },
      contextFromHeaders(headers),
      async (span) => {
        const started = performance.now();
        try {
          const outcome = await this.processInSpan(topic, partition, message, key, headers, heartbeat, span);
          span.setAttribute('messaging.outcome', outcome);
          messagingMetrics.consumed.add(1, { topic, outcome });
          messagingMetrics.duration.record((performance.now() - started) / 1000, { topic, outcome });
          return outcome;
        } finally {
          span.end();
        }
      },
    );
  }

  private async processInSpan(
    topic: string,
    partition: number,
    message: KafkaMessage,
    key: string | null,
    headers: Record<string, string>,
    heartbeat: () => Promise<void>,
    span: Span,
  ): Promise<Outcome> {
    const route = this.routes.get(topic);
    const where = `${topic}[${partition}]@${message.offset}`;
    if (!route) {
      // Cannot happen: we only subscribe to routed topics. Dead-letter rather than block or skip silently.
      return this.deadLetter(
        topic,
        partition,
        message,
        1,
        `permanent: no handler for topic ${topic}`,
        heartbeat,
        span,
      );
    }

    let event: EventEnvelope<object>;
    try {
      event = await this.decode(message, route);
    } catch (err) {
      return this.deadLetter(topic, partition, message, 1, `invalid: ${describeError(err)}`, heartbeat, span);
    }

    for (let attempt = 1; ; attempt += 1) {
      if (this.isStopping && attempt > 1) return 'abandoned';
      const meta: MessageMeta = {
        topic,
        partition,
        offset: message.offset,
        key,
        headers,
        timestamp: message.timestamp,
        attempt,
        signal: this.handlerAbort.signal,
      };
      try {
        // Everything the handler logs carries the store id (JsonLogger reads it from this context).
        const result = await this.withHeartbeat(heartbeat, () =>
          withStoreContext(event.storeId, () => route.handler(event, meta)),
        );
        return result === 'done' ? 'handled' : 'abandoned';
      } catch (err) {
        span.recordException(err instanceof Error ? err : new Error(describeError(err)));
        const kind = classifyError(err);
        if (kind === 'permanent') {
          return this.deadLetter(
            topic,
            partition,
            message,
            attempt,
            `permanent: ${describeError(err)}`,
            heartbeat,
            span,
          );
        }
        if (attempt >= this.options.maxAttempts) {
          return this.deadLetter(
            topic,
            partition,
            message,
            attempt,
            `transient, gave up after ${attempt} attempts: ${describeError(err)}`,
            heartbeat,
            span,
          );
        }
        const delay = computeBackoff(attempt, {
          baseMs: this.options.retryBaseMs,
          maxMs: this.options.retryMaxMs ?? 30_000,
        });
        this.logger.warn(
          `${where} attempt ${attempt}/${this.options.maxAttempts} failed, retrying in ${delay} ms: ${describeError(err)}`,
        );
        messagingMetrics.retries.add(1, { topic });
        if (!(await this.backoff(delay, heartbeat, where))) return 'abandoned';
      }
    }
  }

  /** JSON-decodes and validates the value; throws InvalidMessageError (permanent) when it is not a valid event. */
  private async decode(message: KafkaMessage, route: Route): Promise<EventEnvelope<object>> {
    if (message.value === null || message.value.length === 0)
      throw new InvalidMessageError('message has no value');
    let raw: unknown;
    try {
      raw = JSON.parse(message.value.toString('utf8'));
    } catch (err) {
      throw new InvalidMessageError(`value is not JSON (${describeError(err)})`);
    }
    const result = await validateEvent(raw, route.payloadClass, route.expectedType);
    if (!result.ok)
      throw new InvalidMessageError(`validation failed: ${result.problems.join('; ')}`, result.problems);
    return result.event;
  }

  /**
   * Writes the message to `<topic>.dlt` (same key and value bytes, all headers plus ours) and waits for the ack.
   * Keeps trying while Kafka refuses (heartbeating meanwhile); gives up only on shutdown ('abandoned': the
   * message stays uncommitted and comes back).
   */
  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    attempts: number,
    reason: string,
    heartbeat: () => Promise<void>,
    span: Span,
  ): Promise<Outcome> {
    const dlt = deadLetterTopicOf(topic);
    const where = `${topic}[${partition}]@${message.offset}`;
    span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    for (let tries = 1; ; tries += 1) {
      try {
        await this.options.publisher.publishRaw(dlt, [
          {
            key: message.key,
            value: message.value,
            headers: deadLetterHeaders(message.headers, {
              reason,
              service: this.options.service,
              sourceTopic: topic,
              sourcePartition: partition,
              sourceOffset: message.offset,
              attempts,
              failedAt: new Date(),
            }),
          },
        ]);
        this.logger.error(`${where} dead-lettered to ${dlt} after ${attempts} attempt(s): ${reason}`);
        return 'dead-lettered';
      } catch (err) {
        if (this.isStopping) return 'abandoned';
        const delay = computeBackoff(tries, {
          baseMs: this.options.retryBaseMs,
          maxMs: this.options.retryMaxMs ?? 30_000,
        });
        this.logger.error(
          `${where} cannot be dead-lettered yet (retry in ${delay} ms): ${describeError(err)}`,
        );
        if (!(await this.backoff(delay, heartbeat, where))) return 'abandoned';
      }
    }
  }

  /**
   * Waits `ms` before the next try, heartbeating. Returns false (give the message up, uncommitted, to be
   * redelivered) when shutdown begins or when a heartbeat reports a rebalance: during a rebalance every member
   * of the group stops consuming until all have rejoined, so our backoff must not hold them up.
   */
  private async backoff(ms: number, heartbeat: () => Promise<void>, where: string): Promise<boolean> {
    const rebalancing = new AbortController();
    const completed = await sleep(ms, AbortSignal.any([this.stopController.signal, rebalancing.signal]), {
      ...this.heartbeatTick(heartbeat),
      onError: (err) => {
        if (isMembershipError(err)) rebalancing.abort();
        else this.logger.debug(`heartbeat: ${describeError(err)}`);
      },
    });
    if (rebalancing.signal.aborted && !this.isStopping) {
      this.logger.warn(
        `${where}: group is rebalancing, retry given up for now (uncommitted, will be redelivered)`,
      );
    }
    return completed;
  }

  private heartbeatTick(heartbeat: () => Promise<void>): {
    fn: () => Promise<void>;
    everyMs: number;
    onError: (err: unknown) => void;
  } {
    return {
      fn: heartbeat,
      everyMs: Math.max(100, Math.floor((this.options.heartbeatIntervalMs ?? 3_000) / 2)),
      // A rebalance reported here resurfaces from the unguarded heartbeat after the message, where kafkajs
      // can act on it; the message itself is finished (and committed) first.
      onError: (err) => this.logger.debug(`heartbeat: ${describeError(err)}`),
    };
  }

  /**
   * Runs a handler while heartbeating, so a slow handler does not get the member evicted. Resolves 'abandoned'
   * if shutdown stops waiting for it (the handler keeps running unobserved; its message stays uncommitted).
   */
  private async withHeartbeat(
    heartbeat: () => Promise<void>,
    fn: () => Promise<void> | void,
  ): Promise<'done' | 'abandoned'> {
    const tick = this.heartbeatTick(heartbeat);
    const timer = setInterval(() => {
      tick.fn().catch(tick.onError);
    }, tick.everyMs);
    const signal = this.handlerAbort.signal;
    let onAbort: (() => void) | undefined;
    const abandoned = new Promise<'abandoned'>((resolve) => {
      onAbort = () => resolve('abandoned');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const work = Promise.resolve().then(fn);
      // Whatever it does after being abandoned must not become an unhandled rejection.
      work.catch(() => undefined);
      return await Promise.race([work.then(() => 'done' as const), abandoned]);
    } finally {
      clearInterval(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }
}
