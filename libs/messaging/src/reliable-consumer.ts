import { Logger } from '@nestjs/common';

import { runConsumerLoop } from './consumer-run-loop';
import type { ConsumerRuntime, Route } from './consumer-runtime';
import type {
  BatchEventHandler,
  BatchHandlerOptions,
  ConsumerState,
  ConsumerStatus,
  EventHandler,
  HandlerOptions,
  ReliableConsumerOptions,
} from './consumer-types';

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
 * - a partition's messages are processed one at a time (partitions in parallel), or with `keyConcurrency`
 *   > 1 several at once but never two of one key, the committed offset staying behind the first unfinished;
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
  private readonly runtime: ConsumerRuntime;
  private current: ConsumerState = { status: 'idle', lastError: null, since: new Date().toISOString() };
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: ReliableConsumerOptions) {
    if (options.maxAttempts < 1) throw new Error('maxAttempts must be at least 1');
    this.logger = options.logger ?? new Logger(`ReliableConsumer:${options.groupId}`);
    this.runtime = {
      options,
      logger: this.logger,
      routes: this.routes,
      stopSignal: this.stopController.signal,
      handlerSignal: this.handlerAbort.signal,
    };
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

  /**
   * Registers a batch handler for `topic`: up to `maxBatchSize` consecutive messages of a fetched partition
   * batch are decoded and handed over together, and committed together once it resolves (nothing is
   * committed before). If any of them is invalid, or the handler throws, those messages are processed one at
   * a time instead (the handler called with one item), with the usual retries and dead-lettering.
   */
  handleBatch<P extends object>(
    topic: string,
    payloadClass: new () => P,
    handler: BatchEventHandler<P>,
    options: BatchHandlerOptions = {},
  ): this {
    const maxBatchSize = options.maxBatchSize ?? 100;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new Error('maxBatchSize must be >= 1');
    const batchHandler = handler as BatchEventHandler<object>;
    this.handle(topic, payloadClass, (event, meta) => batchHandler([{ event, meta }]), options);
    const route = this.routes.get(topic)!;
    this.routes.set(topic, { ...route, batch: { handler: batchHandler, maxBatchSize } });
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
    this.loop = runConsumerLoop(this.runtime, (status, lastError) => this.setStatus(status, lastError));
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
}
