import { systemClock, type SimulatorClock } from './clock';

export interface SallaSimulatorOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Drives token expiry, the rate limiter's leak, order dates and `calls[].at`. Default: the system clock. */
  clock?: SimulatorClock;
  /** Bulk quantity updates answer 201 at once and apply after this many (real) milliseconds; 0 = at once. */
  bulkApplyDelayMs?: number;
  /** Scope granted with every token. */
  scope?: string;
  /** Lifetime of refresh tokens (default 30 days). Access tokens last 14 days unless issueTokens says otherwise. */
  refreshTokenTtlSec?: number;
  /** Whether refreshing revokes the access token issued with the spent refresh token (default true, as Salla's OAuth server). */
  revokeAccessTokenOnRefresh?: boolean;
  /** How the token endpoint states expiry: absolute `expires` (default), relative `expires_in`, or both. */
  tokenExpiryField?: 'expires' | 'expires_in' | 'both';
}

export interface ResolvedOptions {
  port: number;
  host: string;
  clientId: string;
  clientSecret: string;
  clock: SimulatorClock;
  bulkApplyDelayMs: number;
  scope: string;
  refreshTokenTtlSec: number;
  revokeAccessTokenOnRefresh: boolean;
  tokenExpiryField: 'expires' | 'expires_in' | 'both';
}

export const ACCESS_TOKEN_TTL_SEC = 14 * 24 * 3600;

export function resolveOptions(options: SallaSimulatorOptions = {}): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    clientId: options.clientId ?? 'sim-client-id',
    clientSecret: options.clientSecret ?? 'sim-client-secret',
    clock: options.clock ?? systemClock,
    bulkApplyDelayMs: options.bulkApplyDelayMs ?? 0,
    scope:
      options.scope ??
      'offline_access settings.read products.read_write orders.read_write customers.read shipping.read payments.read',
    refreshTokenTtlSec: options.refreshTokenTtlSec ?? 30 * 24 * 3600,
    revokeAccessTokenOnRefresh: options.revokeAccessTokenOnRefresh ?? true,
    tokenExpiryField: options.tokenExpiryField ?? 'expires',
  };
}
