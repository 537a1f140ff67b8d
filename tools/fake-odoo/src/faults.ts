/** Misbehaviour to inject, consumed in this order per RPC request: latency, timeout, HTTP failure. */
export class FaultPlan {
  latencyMs = 0;
  failures: number[] = [];
  timeouts = 0;
  private readonly validationErrors = new Map<string, { message: string; remaining: number }>();
  private readonly crashes = new Set<string>();
  private readonly httpFailures = new Map<string, { status: 500 | 502 | 503 | 504; remaining: number }>();
  private readonly holds = new Map<string, HeldCall>();

  failNext(count: number, status: 500 | 502 | 503 | 504 = 500): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** The next `times` calls of `model.method` get a bare HTTP error, nothing applied (like failNext, aimed). */
  failOn(model: string, method: string, status: 500 | 502 | 503 | 504, times = 1): void {
    this.httpFailures.set(`${model}.${method}`, { status, remaining: times });
  }

  /** The HTTP status to fail this call with, if one is aimed at it. */
  takeHttpFailure(model: string, method: string): number | undefined {
    const planned = this.httpFailures.get(`${model}.${method}`);
    if (!planned) return undefined;
    if (--planned.remaining <= 0) this.httpFailures.delete(`${model}.${method}`);
    return planned.status;
  }

  validationErrorOn(model: string, method: string, message: string, times = Infinity): void {
    this.validationErrors.set(`${model}.${method}`, { message, remaining: times });
  }

  crashAfter(model: string, method: string): void {
    this.crashes.add(`${model}.${method}`);
  }

  /** The ValidationError message to raise for this call, if one is planned. */
  takeValidationError(model: string, method: string): string | undefined {
    const planned = this.validationErrors.get(`${model}.${method}`);
    if (!planned) return undefined;
    if (--planned.remaining <= 0) this.validationErrors.delete(`${model}.${method}`);
    return planned.message;
  }

  /** True once for a planned crash: apply the call, then drop the connection without an answer. */
  takeCrash(model: string, method: string): boolean {
    return this.crashes.delete(`${model}.${method}`);
  }

  /** The next call to `model.method` waits, before anything is applied, until the returned hold is released. */
  holdNext(model: string, method: string): HeldCall {
    let reached!: () => void;
    let release!: () => void;
    const hold: HeldCall = {
      reached: new Promise<void>((resolve) => (reached = resolve)),
      released: new Promise<void>((resolve) => (release = resolve)),
      arrive: () => reached(),
      release: () => release(),
    };
    this.holds.set(`${model}.${method}`, hold);
    return hold;
  }

  /** The hold aimed at this call, if any (taken once). */
  takeHold(model: string, method: string): HeldCall | undefined {
    const hold = this.holds.get(`${model}.${method}`);
    this.holds.delete(`${model}.${method}`);
    return hold;
  }

  clear(): void {
    for (const hold of this.holds.values()) hold.release();
    this.holds.clear();
    this.latencyMs = 0;
    this.failures = [];
    this.timeouts = 0;
    this.validationErrors.clear();
    this.crashes.clear();
    this.httpFailures.clear();
  }
}

/**
 * A call held by the fake (tests that need two workers' calls in one exact order): `reached` resolves when the
 * call arrives, `release()` lets it go on.
 */
export interface HeldCall {
  reached: Promise<void>;
  released: Promise<void>;
  arrive(): void;
  release(): void;
}
