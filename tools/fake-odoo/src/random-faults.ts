import type { ServerResponse } from 'node:http';

/** Per-request odds of each misbehaviour; they add up to at most 1. */
export interface RandomFaultOptions {
  /** Share of RPC requests answered with a bare HTTP 5xx before anything is applied (e.g. 0.1). */
  http5xxRate: number;
  /** Share of RPC requests never answered, so the client's timeout fires (e.g. 0.05). */
  timeoutRate: number;
  /**
   * Share of those timeouts where Odoo still runs the call to its commit and only the answer is lost (a worker
   * that finishes after the client gave up), default 0.5; the rest hang before anything is applied.
   */
  timeoutAppliedShare?: number;
  /** Seed of the draws, so a failing run can be replayed (default: random). */
  seed?: number;
}

export type RandomFault =
  { kind: 'http-5xx'; status: 500 | 502 | 503 | 504 } | { kind: 'timeout'; applied: boolean };

export interface RandomFaultCounts {
  requests: number;
  http5xx: number;
  timeoutBeforeApply: number;
  timeoutAfterApply: number;
}

const STATUSES = [500, 502, 503, 504] as const;

/** mulberry32: a tiny seeded PRNG, good enough to spread faults evenly and replay a run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Faults drawn independently for every RPC request (chaos runs: "10 % of calls answer 5xx, 5 % time out"),
 * as opposed to FaultPlan's scripted "the next N requests". Counts what it injected, for the run's report.
 */
export class RandomFaults {
  private readonly random: () => number;
  private readonly counts: RandomFaultCounts = {
    requests: 0,
    http5xx: 0,
    timeoutBeforeApply: 0,
    timeoutAfterApply: 0,
  };

  constructor(private readonly options: RandomFaultOptions) {
    if (options.http5xxRate < 0 || options.timeoutRate < 0 || options.http5xxRate + options.timeoutRate > 1) {
      throw new Error('random fault rates must be ≥ 0 and add up to at most 1');
    }
    this.random = seeded(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** The fault for one RPC request, if any. */
  draw(): RandomFault | undefined {
    this.counts.requests++;
    const r = this.random();
    if (r < this.options.http5xxRate) {
      this.counts.http5xx++;
      return { kind: 'http-5xx', status: STATUSES[Math.floor(this.random() * STATUSES.length)] };
    }
    if (r < this.options.http5xxRate + this.options.timeoutRate) {
      const applied = this.random() < (this.options.timeoutAppliedShare ?? 0.5);
      if (applied) this.counts.timeoutAfterApply++;
      else this.counts.timeoutBeforeApply++;
      return { kind: 'timeout', applied };
    }
    return undefined;
  }

  injected(): RandomFaultCounts {
    return { ...this.counts };
  }
}

/**
 * Lets the request be handled (and its transaction committed) but throws the answer away; the response is
 * closed only when the client gives up or the fake shuts down, like a worker that finished too late.
 */
export function withholdAnswer(res: ServerResponse): void {
  res.writeHead = () => res;
  res.end = () => res;
}
