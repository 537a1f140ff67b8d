import type { DependencyProbe } from './dependency-probe';

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

export interface HealthModuleOptions {
  /** Everything `/health/ready` waits for. An empty list means ready as soon as the app listens. */
  checks: DependencyProbe[];
  /** Per-probe limit; a probe that has not answered by then is down ("timed out after 2000 ms"). */
  timeoutMs?: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
