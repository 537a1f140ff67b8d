import type { EncryptedValue, PayloadOf, Topic } from '@app/contracts';

import type { SallaOrder, SallaProduct, SallaShippingCompany } from './salla-resources';

/** One handled Salla webhook, opened (the gateway sealed `data`; the consumer opens it before translating). */
export interface TranslationInput {
  /** Salla's `merchant`, as a string. */
  storeId: string;
  /** Salla's event name ('order.created'). */
  event: string;
  data: Record<string, unknown>;
  /** The webhook's `created_at` as ISO UTC: the time of events that carry none of their own. */
  createdAtUtc: string;
  /** Lower-case hex SHA-256 of the raw body (the delivery's identity). */
  bodySha256: string;
}

/**
 * Reads whole resources from the Salla Merchant API, for webhooks that carry only part of one. Errors are the
 * reader's own: a transient API failure must throw something the consumer retries.
 */
export interface SallaResourceReader {
  product(storeId: string, id: string): Promise<SallaProduct>;
  order(storeId: string, id: string): Promise<SallaOrder>;
  shippingCompany(storeId: string, id: string): Promise<SallaShippingCompany>;
}

export interface TranslationDeps {
  reader: SallaResourceReader;
  /** Seals a secret for the store (`@app/crypto`), bound to `aad`. */
  seal(storeId: string, plaintext: string, aad: string): Promise<EncryptedValue>;
  /** The store's currency, for resources whose prices name none. Called for every product and order: keep it cheap. */
  fallbackCurrency(storeId: string): Promise<string>;
}

/** A canonical event to publish: the topic and its payload, type-checked against the event catalogue. */
export type Emission = { [T in Topic]: { topic: T; payload: PayloadOf<T> } }[Topic];

/** What a webhook changes about the store itself, applied by the Salla connector to its store record. */
export type StoreEffect =
  /** `app.store.authorize` (easy mode). Plaintext only in memory: token custody seals them before storing. */
  | {
      kind: 'tokens';
      accessToken: string;
      refreshToken?: string;
      expiresAt: string;
      scopes: string[];
      /** When Salla issued them (the webhook's `created_at`, the same in every retry of it). */
      eventAt: string;
    }
  | { kind: 'installed'; installedAt: string; scopes: string[]; eventAt: string }
  /** `app.updated`: re-read the store info (new tokens follow in their own `app.store.authorize`). */
  | { kind: 'updated' }
  | { kind: 'uninstalled'; at: string; eventAt: string }
  /** Trial and subscription events: `state` is the event name without `app.` ('trial.started', …). */
  | { kind: 'subscription'; state: SubscriptionState; at: string };

export const SUBSCRIPTION_STATES = [
  'trial.started',
  'trial.expired',
  'trial.canceled',
  'subscription.started',
  'subscription.expired',
  'subscription.canceled',
  'subscription.renewed',
] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export interface Translation {
  /** In publish order; events of one entity share a key, so the order holds for consumers. */
  emit: Emission[];
  effects: StoreEffect[];
  /** Why nothing was emitted and nothing changed, when that is the outcome. */
  skipped?: string;
}

export type Translator = (input: TranslationInput, deps: TranslationDeps) => Promise<Translation>;

/** Builds one emission; the generic ties the payload to the topic's class. */
export function emission<T extends Topic>(topic: T, payload: PayloadOf<T>): Emission {
  return { topic, payload } as Emission;
}

export const emitted = (...emit: Emission[]): Translation => ({ emit, effects: [] });
export const skipped = (reason: string): Translation => ({ emit: [], effects: [], skipped: reason });

/**
 * A translator whose work is synchronous, as a `Translator`: a throw becomes a rejected promise, so callers see
 * mapping errors the same way whether a translator awaited something or not.
 */
export function syncTranslator(translate: (input: TranslationInput) => Translation): Translator {
  return (input) => {
    try {
      return Promise.resolve(translate(input));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
}
