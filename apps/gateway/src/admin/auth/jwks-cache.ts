import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export type FetchJson = (url: string) => Promise<unknown>;

const defaultFetchJson: FetchJson = async (url) => {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(5000),
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
  return res.json();
};

export interface JwksCacheOptions {
  /** Keys are re-read after this long even when every kid is known (default 10 min). */
  ttlMs?: number;
  /** An unknown kid triggers a refresh at most this often, so forged kids cannot hammer the issuer (30 s). */
  minRefreshIntervalMs?: number;
  fetchJson?: FetchJson;
  now?: () => number;
}

/** The issuer's signing keys by kid, fetched from its JWKS URL, cached, refreshed when a new kid shows up. */
export class JwksCache {
  #keys = new Map<string, KeyObject>();
  #fetchedAt = -Infinity;
  #inflight: Promise<void> | null = null;
  readonly #ttlMs: number;
  readonly #minRefreshMs: number;
  readonly #fetchJson: FetchJson;
  readonly #now: () => number;

  constructor(
    private readonly url: string,
    options: JwksCacheOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#minRefreshMs = options.minRefreshIntervalMs ?? 30_000;
    this.#fetchJson = options.fetchJson ?? defaultFetchJson;
    this.#now = options.now ?? Date.now;
  }

  async keyFor(kid: string): Promise<KeyObject | null> {
    const age = this.#now() - this.#fetchedAt;
    if (age > this.#ttlMs || (!this.#keys.has(kid) && age >= this.#minRefreshMs)) await this.refresh();
    return this.#keys.get(kid) ?? null;
  }

  private refresh(): Promise<void> {
    this.#inflight ??= (async () => {
      try {
        const body = (await this.#fetchJson(this.url)) as { keys?: unknown };
        const keys = new Map<string, KeyObject>();
        for (const jwk of Array.isArray(body.keys) ? (body.keys as Array<Record<string, unknown>>) : []) {
          if (typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
          try {
            keys.set(jwk.kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
          } catch {
            // A key type we cannot use (or a malformed one) is skipped; the others still work.
          }
        }
        this.#keys = keys;
        this.#fetchedAt = this.#now();
      } finally {
        this.#inflight = null;
      }
    })();
    return this.#inflight;
  }
}
