export interface PeriodicTaskOptions {
  /** Named in the warning a failed pass logs ("<name> failed; the next tick tries again"). */
  name: string;
  everyMs: number;
  logger: { warn(message: unknown): void };
}

/**
 * A background job of this process (a sweep, a watchdog, a flush): run every `everyMs` once started, one pass
 * at a time — a tick or a `runNow()` that finds a pass under way joins it instead of starting a second one —
 * a failed pass (Mongo or Kafka down) is logged and the next tick tries again, the timer never keeps the
 * process alive, and `stop()` waits for the pass in progress so shutdown does not cut a write in half.
 */
export class PeriodicTask {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly options: PeriodicTaskOptions,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.runNow(), this.options.everyMs);
    this.#timer.unref();
  }

  /** Runs a pass now (tests, admin triggers), or joins the one under way. Never rejects. */
  runNow(): Promise<void> {
    this.#running ??= (async () => {
      try {
        await this.pass();
      } catch (err) {
        this.options.logger.warn({ msg: `${this.options.name} failed; the next tick tries again`, err });
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
