import type { StoreState } from '../store-state';
import { applyBulkLines, type ResolvedLine } from './bulk-update';

interface PendingJob {
  store: StoreState;
  lines: ResolvedLine[];
  timer?: NodeJS.Timeout;
}

/**
 * Salla answers a bulk quantity update with 201 "queued" and applies it later. With a delay of 0 the simulator
 * applies it before answering; otherwise after `delayMs` of real time, in the order received.
 */
export class BulkQueue {
  private pending: PendingJob[] = [];

  constructor(private readonly delayMs: number) {}

  enqueue(store: StoreState, lines: ResolvedLine[]): void {
    if (this.delayMs <= 0) return applyBulkLines(store, lines);
    const job: PendingJob = { store, lines };
    job.timer = setTimeout(() => this.applyUpTo(job), this.delayMs);
    job.timer.unref();
    this.pending.push(job);
  }

  /** Jobs not applied yet. */
  get size(): number {
    return this.pending.length;
  }

  /** Applies every queued job now (a test that does not want to wait). */
  flush(): void {
    const last = this.pending.at(-1);
    if (last) this.applyUpTo(last);
  }

  /** Drops queued jobs without applying them (the simulator is closing). */
  clear(): void {
    for (const job of this.pending) clearTimeout(job.timer);
    this.pending = [];
  }

  /** Applies jobs in arrival order up to and including `job`, so a later job never overtakes an earlier one. */
  private applyUpTo(job: PendingJob): void {
    const index = this.pending.indexOf(job);
    if (index < 0) return;
    for (const earlier of this.pending.splice(0, index + 1)) {
      clearTimeout(earlier.timer);
      applyBulkLines(earlier.store, earlier.lines);
    }
  }
}
