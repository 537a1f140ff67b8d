/** A failure `failNext` injects: the next `count` API calls of the store answer with this instead. */
export interface FailureSpec {
  status: 500 | 502 | 503 | 403 | 429;
  /** How many consecutive calls fail (default 1). */
  count?: number;
  /** Sent as `Retry-After` (429 defaults to 1 s; other statuses send it only when given). */
  retryAfterSec?: number;
  /** A 403 that looks like Salla's temporary abuse block rather than a permission problem. */
  abuse?: boolean;
}

/** Failures and held responses queued for one store, consumed in order by its next API calls. */
export class FaultQueue {
  private failures: FailureSpec[] = [];
  private timeouts = 0;

  addFailures(spec: FailureSpec): void {
    const count = spec.count ?? 1;
    for (let i = 0; i < count; i++) this.failures.push(spec);
  }

  addTimeouts(count: number): void {
    this.timeouts += count;
  }

  /** True when this call must be held until the client gives up. Timeouts are served before failures. */
  takeTimeout(): boolean {
    if (this.timeouts === 0) return false;
    this.timeouts--;
    return true;
  }

  takeFailure(): FailureSpec | undefined {
    return this.failures.shift();
  }

  clear(): void {
    this.failures = [];
    this.timeouts = 0;
  }
}
