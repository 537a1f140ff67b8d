import { Injectable } from '@nestjs/common';

import type { DataClass } from '@app/contracts';

/** How the privacy participant treats one collection of the service's own database. */
export interface PrivacyCollection {
  collection: string;
  dataClass: DataClass;
  /** Date field retention measures age by; without it the collection is never swept by age. */
  timestampField?: string;
}

/** Collections no privacy work ever touches here: the keyring keeps a key-less tombstone via `shred`. */
const INFRASTRUCTURE = new Set(['crypto_keyring', 'leases']);

/**
 * Collections every deployment has, so they are classified without each service registering them: the
 * gateway's webhook duplicate claims are swept after 7 days by default.
 */
export const DEFAULT_PRIVACY_COLLECTIONS: readonly PrivacyCollection[] = [
  {
    collection: 'webhook_delivery_claims',
    dataClass: 'webhook_duplicate_claims',
    timestampField: 'claimedAt',
  },
];

/**
 * Collection → data class (+ the timestamp retention reads). A collection nobody registered counts as
 * `configuration`: kept while the app is installed, erased on uninstall, part of an export — the safe
 * default for something new (never swept by age, never silently left out of an erasure).
 *
 *     constructor(registry: PrivacyCollectionRegistry) {
 *       registry.register({ collection: 'sync_logs', dataClass: 'activity_logs', timestampField: 'createdAt' });
 *     }
 */
@Injectable()
export class PrivacyCollectionRegistry {
  readonly #byName = new Map<string, PrivacyCollection>();

  constructor() {
    for (const entry of DEFAULT_PRIVACY_COLLECTIONS) this.register(entry);
  }

  /** Registers (or re-classifies) a collection; the last registration of a name wins. */
  register(...entries: PrivacyCollection[]): void {
    for (const entry of entries) {
      if (!entry.collection) throw new Error('PrivacyCollectionRegistry.register: collection is required');
      this.#byName.set(entry.collection, { ...entry });
    }
  }

  /** The data class of `collection`: registered, or `configuration`. */
  classOf(collection: string): DataClass {
    return this.#byName.get(collection)?.dataClass ?? 'configuration';
  }

  get(collection: string): PrivacyCollection | undefined {
    return this.#byName.get(collection);
  }

  /** Registered collections that retention can sweep (they have a timestamp field). */
  sweepable(): PrivacyCollection[] {
    return [...this.#byName.values()].filter((c) => c.timestampField !== undefined);
  }

  /** True for collections outside privacy work (keyring, leases, system collections). */
  isInfrastructure(collection: string): boolean {
    return INFRASTRUCTURE.has(collection) || collection.startsWith('system.');
  }
}
