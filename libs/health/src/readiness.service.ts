import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';

import type { DependencyProbe } from './dependency-probe';
import { DEFAULT_PROBE_TIMEOUT_MS, HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';

/**
 * Turns probes into terminus indicators (HealthIndicatorService, not the deprecated HealthIndicator).
 *
 * Each probe is bounded by a timeout, so a hung dependency answers 503 instead of hanging the request.
 * Concurrent requests share one pending check, so a slow dependency is not hammered by every probe; a
 * check that outlives its timeout is abandoned and the next request starts a fresh one, so readiness
 * recovers even if the stuck call never settles. Logs changes (up → down, down → up), not every probe.
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Health');
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly lastStatus = new Map<string, 'up' | 'down'>();

  constructor(
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
    private readonly indicator: HealthIndicatorService,
  ) {}

  indicators(): HealthIndicatorFunction[] {
    return this.options.checks.map((probe) => () => this.check(probe));
  }

  async check(probe: DependencyProbe): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(probe.name);
    const timeoutMs = probe.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const pending = this.shared(probe);
    try {
      await withTimeout(pending, timeoutMs, () => this.forget(probe.name, pending));
      this.record(probe.name, 'up');
      return session.up();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.record(probe.name, 'down', message);
      return session.down({ message });
    }
  }

  private shared(probe: DependencyProbe): Promise<void> {
    const existing = this.inflight.get(probe.name);
    if (existing) return existing;
    const pending: Promise<void> = Promise.resolve()
      .then(() => probe.check())
      .finally(() => this.forget(probe.name, pending));
    this.inflight.set(probe.name, pending);
    return pending;
  }

  /** Drops the shared check, unless a newer one has replaced it meanwhile. */
  private forget(name: string, pending: Promise<void>): void {
    if (this.inflight.get(name) === pending) this.inflight.delete(name);
  }

  private record(name: string, status: 'up' | 'down', message?: string): void {
    const before = this.lastStatus.get(name);
    this.lastStatus.set(name, status);
    if (before === status) return;
    if (status === 'down') {
      this.logger.warn({ msg: `dependency ${name} is down`, dependency: name, reason: message });
    } else if (before === 'down') {
      this.logger.log({ msg: `dependency ${name} is up again`, dependency: name });
    }
  }
}

async function withTimeout(work: Promise<void>, timeoutMs: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
