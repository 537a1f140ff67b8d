// Shared by the translation specs: the official Salla sample webhooks, a reader that serves whole resources
// built from them (and counts its calls), a real AES-GCM sealer, and canonical-envelope validation.
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { type EncryptedValue, payloadClassOf, type Topic, validateEvent } from '@app/contracts';

import {
  type Emission,
  type SallaOrder,
  type SallaProduct,
  type SallaResourceReader,
  type SallaShippingCompany,
  sallaTimeToUtc,
  type TranslationDeps,
  type TranslationInput,
} from '../../src/translation';

/** Copies of /work/shared/fixtures/salla/webhooks (see fixtures/README.md for where each comes from). */
export const FIXTURE_DIR = path.join(__dirname, 'fixtures');

export interface Fixture {
  file: string;
  bytes: Buffer;
  body: { event: string; merchant: number | string; created_at: string; data: Record<string, unknown> };
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function fixture(file: string): Fixture {
  const bytes = readFileSync(path.join(FIXTURE_DIR, file));
  return { file, bytes, body: JSON.parse(bytes.toString('utf8')) };
}

/** A fresh copy of a fixture's `data` (translators must not see another test's mutations). */
export function fixtureData<T = Record<string, unknown>>(file: string): T {
  return structuredClone(fixture(file).body.data) as T;
}

/** The envelope's `created_at` in UTC, as the gateway hands it over (`createdAtUtc`). */
function createdAtUtcOf(createdAt: string): string {
  return sallaTimeToUtc(createdAt) ?? new Date(createdAt).toISOString();
}

/** The translator input the webhook handler builds from a fixture. */
export function inputOf(file: string, overrides: Partial<TranslationInput> = {}): TranslationInput {
  const { bytes, body } = fixture(file);
  return {
    storeId: String(body.merchant),
    event: body.event,
    data: structuredClone(body.data),
    createdAtUtc: createdAtUtcOf(body.created_at),
    bodySha256: createHash('sha256').update(bytes).digest('hex'),
    ...overrides,
  };
}

type ReadCall = { resource: 'product' | 'order' | 'shippingCompany'; storeId: string; id: string };

/**
 * Serves whole resources built from the sample webhooks, with the asked-for id: the product of
 * `product.created`, the order of `order.created`, the company of `shipping.company.created`.
 */
export class FixtureReader implements SallaResourceReader {
  readonly calls: ReadCall[] = [];
  /** Per-id overrides, for tests that need a particular resource. */
  readonly products = new Map<string, SallaProduct>();
  readonly orders = new Map<string, SallaOrder>();

  product(storeId: string, id: string): Promise<SallaProduct> {
    this.calls.push({ resource: 'product', storeId, id });
    return Promise.resolve(
      this.products.get(id) ?? { ...fixtureData<SallaProduct>('product.created.json'), id: Number(id) },
    );
  }

  order(storeId: string, id: string): Promise<SallaOrder> {
    this.calls.push({ resource: 'order', storeId, id });
    return Promise.resolve(
      this.orders.get(id) ?? { ...fixtureData<SallaOrder>('order.created.json'), id: Number(id) },
    );
  }

  shippingCompany(storeId: string, id: string): Promise<SallaShippingCompany> {
    this.calls.push({ resource: 'shippingCompany', storeId, id });
    return Promise.resolve({
      ...fixtureData<SallaShippingCompany>('shipping.company.created.json'),
      id: Number(id),
      status: true,
    });
  }
}

/** Seals for real (AES-256-GCM, a key per test run), so a sealed value cannot contain the plaintext by accident. */
export class TestSealer {
  readonly sealed: Array<{ storeId: string; aad: string }> = [];
  private readonly key = randomBytes(32);

  seal = (storeId: string, plaintext: string, aad: string): Promise<EncryptedValue> => {
    this.sealed.push({ storeId, aad });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${storeId}:${aad}`));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Promise.resolve({
      v: 1,
      alg: 'AES-256-GCM',
      keyId: `test-${storeId}`,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    });
  };
}

export function testDeps(currency = 'SAR'): {
  deps: TranslationDeps;
  reader: FixtureReader;
  sealer: TestSealer;
  currencyLookups: string[];
} {
  const reader = new FixtureReader();
  const sealer = new TestSealer();
  const currencyLookups: string[] = [];
  const deps: TranslationDeps = {
    reader,
    seal: sealer.seal,
    fallbackCurrency: (storeId) => {
      currencyLookups.push(storeId);
      return Promise.resolve(currency);
    },
  };
  return { deps, reader, sealer, currencyLookups };
}

/** The problems validateEvent finds in an emission once wrapped in the envelope the publisher adds. */
export async function problemsOf(
  emission: Emission,
  storeId: string,
  input?: TranslationInput,
): Promise<string[]> {
  const envelope = {
    id: randomUUID(),
    type: emission.topic,
    storeId,
    occurredAt: input?.createdAtUtc ?? new Date().toISOString(),
    schemaVersion: 1,
    payload: emission.payload,
    origin: input ? { kind: 'webhook', sallaEvent: input.event, bodySha256: input.bodySha256 } : undefined,
  };
  // A JSON round trip: what travels is JSON, so `undefined` keys and class instances must not matter.
  const raw: unknown = JSON.parse(JSON.stringify(envelope));
  const topic: Topic = emission.topic;
  const result = await validateEvent(raw, payloadClassOf(topic), topic);
  return result.ok ? [] : result.problems;
}
