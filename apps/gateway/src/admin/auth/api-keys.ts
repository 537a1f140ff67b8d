import { createHash, timingSafeEqual } from 'node:crypto';

import { ADMIN_ROLES, type AdminRole } from '../admin-routes';
import type { AdminPrincipal } from './principal';

export interface ApiKeyEntry {
  name: string;
  role: AdminRole;
  /** SHA-256 of the key: comparing digests keeps the comparison constant-time whatever the lengths. */
  digest: Buffer;
}

const MIN_KEY_LENGTH = 24;

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Parses `ADMIN_API_KEYS` (`name:role:key,…`). Throws naming the bad entry by position and name, never
 * echoing a key, so a typo stops the gateway at start instead of silently locking someone out.
 */
export function parseApiKeys(raw: string | undefined): ApiKeyEntry[] {
  if (!raw || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const first = entry.indexOf(':');
      const second = entry.indexOf(':', first + 1);
      const name = first > 0 ? entry.slice(0, first) : '';
      const role = second > first ? entry.slice(first + 1, second) : '';
      const key = second > 0 ? entry.slice(second + 1) : '';
      const where = `ADMIN_API_KEYS entry ${i + 1}${name ? ` (${name})` : ''}`;
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
        throw new Error(`${where}: name must be 1-64 of [A-Za-z0-9._-]`);
      if (!(ADMIN_ROLES as readonly string[]).includes(role))
        throw new Error(`${where}: role must be one of ${ADMIN_ROLES.join(', ')}`);
      if (key.length < MIN_KEY_LENGTH)
        throw new Error(`${where}: key must be at least ${MIN_KEY_LENGTH} characters`);
      return { name, role: role as AdminRole, digest: sha256(key) };
    });
}

/** The principal a presented key belongs to, or null. Every entry is compared, so timing says nothing. */
export function principalForApiKey(
  entries: readonly ApiKeyEntry[],
  presented: string,
): AdminPrincipal | null {
  const digest = sha256(presented);
  let found: ApiKeyEntry | null = null;
  for (const entry of entries) if (timingSafeEqual(entry.digest, digest)) found = entry;
  return found ? { name: found.name, roles: [found.role], via: 'api-key' } : null;
}
