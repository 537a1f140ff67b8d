/**
 * How many webhooks the gateway works on at once. Past the limit a delivery is answered 503 with
 * `Retry-After` at once instead of queueing: Salla retries it, and the gateway's memory and latency stay
 * bounded when the database or the broker slows down (unbounded, a stalled Mongo made every request wait in
 * memory — gigabytes under a load test — and answered all of them late).
 */
export class InFlightLimit {
  private current = 0;

  constructor(readonly max: number) {}

  /** True and counted when there is room; the caller must `leave()` exactly once afterwards. */
  tryEnter(): boolean {
    if (this.current >= this.max) return false;
    this.current += 1;
    return true;
  }

  leave(): void {
    this.current = Math.max(0, this.current - 1);
  }

  get inFlight(): number {
    return this.current;
  }
}
