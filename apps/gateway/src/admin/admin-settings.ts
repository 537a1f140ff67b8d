import type { GatewayEnv } from '../gateway.env';
import { parseApiKeys, type ApiKeyEntry } from './auth/api-keys';

export const ADMIN_SETTINGS = Symbol('ADMIN_SETTINGS');

export interface AdminSettings {
  apiKeys: ApiKeyEntry[];
  /** Set only when issuer, audience and JWKS URL are all configured. */
  jwt?: { issuer: string; audience: string; jwksUrl: string; rolesClaim: string };
  ratePerMinute: number;
  services: Array<{ name: string; url: string }>;
  merchantGrantSecret?: string;
}

/** `name=url,…` → list; throws on an entry without a name or with a URL that does not parse. */
export function parseServiceUrls(raw: string | undefined): AdminSettings['services'] {
  if (!raw || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const eq = entry.indexOf('=');
      const name = eq > 0 ? entry.slice(0, eq).trim() : '';
      const url = entry
        .slice(eq + 1)
        .trim()
        .replace(/\/+$/, '');
      if (!name || !/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url))
        throw new Error(`ADMIN_SERVICE_URLS entry ${i + 1}: expected name=http(s)://host:port`);
      return { name, url };
    });
}

export function adminSettingsFrom(env: GatewayEnv): AdminSettings {
  const { ADMIN_JWT_ISSUER: issuer, ADMIN_JWT_AUDIENCE: audience, ADMIN_JWKS_URL: jwksUrl } = env;
  const jwtParts = [issuer, audience, jwksUrl].filter(Boolean).length;
  if (jwtParts !== 0 && jwtParts !== 3)
    throw new Error('ADMIN_JWT_ISSUER, ADMIN_JWT_AUDIENCE and ADMIN_JWKS_URL must be set together');
  return {
    apiKeys: parseApiKeys(env.ADMIN_API_KEYS),
    jwt:
      issuer && audience && jwksUrl
        ? { issuer, audience, jwksUrl, rolesClaim: env.ADMIN_JWT_ROLES_CLAIM }
        : undefined,
    ratePerMinute: env.ADMIN_RATE_LIMIT_PER_MINUTE,
    services: parseServiceUrls(env.ADMIN_SERVICE_URLS),
    merchantGrantSecret: env.ADMIN_MERCHANT_GRANT_SECRET,
  };
}
