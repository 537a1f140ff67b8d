/** Misbehaviour to inject, consumed in this order per RPC request: latency, timeout, HTTP failure. */
export class FaultPlan {
  latencyMs = 0;
  failures: number[] = [];
  timeouts = 0;
  private readonly validationErrors = new Map<string, { message: string; remaining: number }>();
  private readonly crashes = new Set<string>();
  private readonly httpFailures = new Map<string, { status: 500 | 502 | 503 | 504; remaining: number }>();

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

  clear(): void {
    this.latencyMs = 0;
    this.failures = [];
    this.timeouts = 0;
    this.validationErrors.clear();
    this.crashes.clear();
    this.httpFailures.clear();
  }
}
