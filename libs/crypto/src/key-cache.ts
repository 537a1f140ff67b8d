import type { KeyObject } from 'node:crypto';

export interface CachedKey {
  keyId: string;
  key: KeyObject;
  /** The store's retired key versions (decrypt only), by key id. */
  retired?: ReadonlyMap<string, KeyObject>;
}

/**
 * Unwrapped data keys by store, bounded (least recently used goes first) and short-lived, so a shredded key
 * disappears from every instance within `ttlMs` even if only one instance ran `shred`.
 */
export class KeyCache {
  readonly #entries = new Map<string, CachedKey & { expiresAt: number }>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(storeId: string): CachedKey | undefined {
    const entry = this.#entries.get(storeId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(storeId);
      return undefined;
    }
    this.#entries.delete(storeId); // re-insert: Map order is the recency order
    this.#entries.set(storeId, entry);
    const { expiresAt: _expiresAt, ...key } = entry;
    return key;
  }

  set(storeId: string, value: CachedKey): void {
    if (this.ttlMs <= 0 || this.maxEntries <= 0) return;
    this.#entries.delete(storeId);
    this.#entries.set(storeId, { ...value, expiresAt: this.now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(storeId: string): void {
    this.#entries.delete(storeId);
  }

  clear(): void {
    this.#entries.clear();
  }
}
