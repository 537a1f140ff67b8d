import { randomBytes, randomInt } from 'node:crypto';

import { runService, type RunningService } from '@app/bootstrap';
import { uniqueName } from '@app/testing';

import type { AdminRole } from '../../src/admin/admin-routes';
import { GatewayService } from '../../src/gateway.service';

/** One API key per role, plus the merchant-link secret, for an in-process gateway of a test file. */
export const KEYS: Record<AdminRole, string> = {
  support: `support-${randomBytes(16).toString('hex')}`,
  ops: `ops-${randomBytes(16).toString('hex')}`,
  compliance: `compliance-${randomBytes(16).toString('hex')}`,
  admin: `admin-${randomBytes(16).toString('hex')}`,
};
export const MERCHANT_SECRET = randomBytes(24).toString('hex');

export const newStoreId = (): string => String(randomInt(100_000_000, 999_999_999));

export interface AdminAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface Caller {
  (
    method: string,
    path: string,
    options?: { role?: AdminRole; body?: unknown; headers?: Record<string, string> },
  ): Promise<AdminAnswer>;
}

export function callerFor(baseUrl: string): Caller {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { 'user-agent': 'admin-int-spec', ...(options.headers ?? {}) };
    if (options.role) headers.authorization = `Bearer ${KEYS[options.role]}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}/admin/v1${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: res.status, headers: res.headers, body };
  };
}

export async function bootAdminGateway(
  kafkaBrokers: string[],
  mongoUri: string,
  extraEnv: Record<string, string> = {},
): Promise<{ gateway: RunningService; run: string; db: string }> {
  const run = uniqueName('admin');
  const db = `${run}-gw`.replace(/-/g, '_');
  const gateway = await runService(GatewayService, {
    env: {
      NODE_ENV: 'test',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_GROUP_ID: `${run}-gateway`,
      MONGODB_URI: mongoUri,
      MONGODB_DB: db,
      KEYRING_DB: `${db}_keyring`,
      MASTER_KEY: randomBytes(32).toString('base64'),
      SALLA_WEBHOOK_SECRET: 'admin-test-webhook-secret',
      LOG_LEVEL: 'warn',
      OTEL_ENABLED: 'false',
      KAFKA_RETRY_BASE_MS: '50',
      ADMIN_API_KEYS: (Object.keys(KEYS) as AdminRole[]).map((r) => `${r}-key:${r}:${KEYS[r]}`).join(','),
      ADMIN_MERCHANT_GRANT_SECRET: MERCHANT_SECRET,
      ADMIN_RATE_LIMIT_PER_MINUTE: '100000',
      ...extraEnv,
    },
  });
  return { gateway, run, db };
}
