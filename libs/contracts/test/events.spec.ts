import 'reflect-metadata';

import { ALL_TOPICS, EVENT_CATALOGUE, payloadClassOf, Topic, validateEvent, ValidationResult } from '../src';
import { envelope, seal, VALID_EXAMPLES } from './examples';

async function check(
  topic: Topic,
  payload: unknown,
  overrides: Record<string, unknown> = {},
): Promise<ValidationResult<object>> {
  return validateEvent(envelope(topic, payload, overrides), payloadClassOf(topic), topic);
}

async function problemsOf(
  topic: Topic,
  payload: unknown,
  overrides: Record<string, unknown> = {},
): Promise<string[]> {
  const result = await check(topic, payload, overrides);
  if (result.ok) throw new Error(`expected ${topic} example to be rejected`);
  return result.problems;
}

/** The valid example of `topic` with some fields replaced (undefined = removed). */
function variantOf<T extends Topic>(topic: T, changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(structuredClone(VALID_EXAMPLES[topic]) as object) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete copy[k];
    else copy[k] = v;
  }
  return copy;
}

describe('event payloads', () => {
  it.each(ALL_TOPICS)('a valid %s passes validateEvent', async (topic) => {
    const result = await check(topic, VALID_EXAMPLES[topic]);
    expect(result).toEqual(expect.objectContaining({ ok: true }));
    if (result.ok) expect(result.event.payload).toBeInstanceOf(EVENT_CATALOGUE[topic].payload);
  });

  it.each(ALL_TOPICS)('%s refuses an empty payload', async (topic) => {
    const problems = await problemsOf(topic, {});
    expect(problems.every((p) => p.startsWith('payload.'))).toBe(true);
  });

  describe('the envelope', () => {
    it('refuses an event without storeId', async () => {
      const problems = await problemsOf(Topic.CustomerUpserted, VALID_EXAMPLES[Topic.CustomerUpserted], {
        storeId: undefined,
      });
      expect(problems.join('\n')).toMatch(/^storeId: /m);
    });

    it('refuses an event published under another topic', async () => {
      const problems = await problemsOf(Topic.CustomerUpserted, VALID_EXAMPLES[Topic.CustomerUpserted], {
        type: Topic.ShippingMethodUpserted,
      });
      expect(problems.join('\n')).toMatch(/type: expected customer\.customer\.upserted\.v1/);
    });
  });

  describe('money, time and ids', () => {
    it.each([
      ['a float', 99.5],
      ['a negative amount', '-1.00'],
      ['a comma decimal', '99,50'],
      ['an exponent', '1e3'],
      ['thousands separators', '1,000.00'],
    ])('refuses a price given as %s', async (_label, price) => {
      const problems = await problemsOf(
        Topic.CatalogProductUpserted,
        variantOf(Topic.CatalogProductUpserted, { price }),
      );
      expect(problems).toEqual([
        expect.stringMatching(/^payload\.price: price must be a non-negative decimal string/),
      ]);
    });

    it.each(['sar', 'SR', 'XYZ', 'ريال'])('refuses currency %j', async (currency) => {
      const problems = await problemsOf(
        Topic.SalesOrderUpserted,
        variantOf(Topic.SalesOrderUpserted, { currency }),
      );
      expect(problems).toEqual([
        'payload.currency: currency must be an upper-case ISO 4217 currency code, e.g. "SAR"',
      ]);
    });

    it('refuses a refund in a currency that does not exist', async () => {
      const problems = await problemsOf(
        Topic.SalesOrderRefunded,
        variantOf(Topic.SalesOrderRefunded, { currency: 'ABC' }),
      );
      expect(problems.join('\n')).toMatch(/payload\.currency/);
    });

    it.each([
      ['Salla app format', '2022-12-31 12:31:25'],
      ['Salla store format', 'Sun Jun 26 2022 12:21:48 GMT+0300'],
      ['a local offset', '2022-06-26T12:21:48+03:00'],
      ['an impossible date', '2022-02-30T10:00:00Z'],
      ['a unix time', 1634819484],
    ])('refuses a timestamp in %s', async (_label, placedAt) => {
      const problems = await problemsOf(
        Topic.SalesOrderUpserted,
        variantOf(Topic.SalesOrderUpserted, { placedAt }),
      );
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith('payload.placedAt: '))).toBe(true);
    });

    it('refuses a numeric id: ids are strings', async () => {
      const problems = await problemsOf(
        Topic.SalesOrderUpserted,
        variantOf(Topic.SalesOrderUpserted, { orderId: 2116149737 }),
      );
      expect(problems.join('\n')).toMatch(/^payload\.orderId: orderId must be a string/m);
    });
  });

  describe('inventory', () => {
    it('refuses a negative quantity', async () => {
      const problems = await problemsOf(
        Topic.InventoryLevelChanged,
        variantOf(Topic.InventoryLevelChanged, { quantity: -2 }),
      );
      expect(problems).toEqual(['payload.quantity: quantity must not be less than 0']);
    });

    it('refuses a fractional quantity', async () => {
      const problems = await problemsOf(
        Topic.InventoryLevelSet,
        variantOf(Topic.InventoryLevelSet, { quantity: 1.5 }),
      );
      expect(problems).toEqual(['payload.quantity: quantity must be an integer number']);
    });

    it('refuses an unknown source', async () => {
      const problems = await problemsOf(
        Topic.InventoryLevelChanged,
        variantOf(Topic.InventoryLevelChanged, { source: 'shopify' }),
      );
      expect(problems).toEqual([
        expect.stringMatching(/^payload\.source: source must be one of .*salla, odoo/),
      ]);
    });

    it('refuses a change that names no item', async () => {
      const problems = await problemsOf(
        Topic.InventoryLevelChanged,
        variantOf(Topic.InventoryLevelChanged, { sku: undefined, variantId: undefined }),
      );
      expect(problems.join('\n')).toMatch(
        /payload\.sku: sku is required when neither productId nor variantId/,
      );
    });

    it('accepts a change identified by the variant alone', async () => {
      const result = await check(
        Topic.InventoryLevelChanged,
        variantOf(Topic.InventoryLevelChanged, {
          sku: undefined,
          locationId: '8',
          observedAt: '2026-01-15T09:00:00Z',
        }),
      );
      expect(result.ok).toBe(true);
    });

    it('refuses an unknown identifier type and mode', async () => {
      const problems = await problemsOf(
        Topic.InventoryLevelSet,
        variantOf(Topic.InventoryLevelSet, { identifierType: 'barcode', mode: 'replace' }),
      );
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['payload.identifierType', 'payload.mode']);
    });
  });

  describe('secrets', () => {
    it('refuses a plaintext access token where a sealed one is required', async () => {
      const problems = await problemsOf(
        Topic.StoreAuthorized,
        variantOf(Topic.StoreAuthorized, { accessToken: 'KGsnBcNNkR2AgHnrd0U9lCIjrUiukF_-Fb8OjRiEcog' }),
      );
      expect(problems.join('\n')).toMatch(/^payload\.accessToken: accessToken must be an object/m);
    });

    it('refuses a plaintext Odoo API key in the settings', async () => {
      const settings = structuredClone(VALID_EXAMPLES[Topic.StoreSettingsUpdated]);
      const problems = await problemsOf(Topic.StoreSettingsUpdated, {
        ...settings,
        odoo: { ...settings.odoo, apiKey: '3f1b9c0d2e…' },
      });
      expect(problems.join('\n')).toMatch(/^payload\.odoo\.apiKey: /m);
    });

    it('refuses a blob that is not AES-256-GCM with a 12-byte nonce and a full tag', async () => {
      const sealed = seal('x');
      const problems = await problemsOf(
        Topic.StoreAuthorized,
        variantOf(Topic.StoreAuthorized, {
          refreshToken: { ...sealed, alg: 'AES-128-CBC', tag: sealed.tag.slice(0, 12), v: 2 },
        }),
      );
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
        'payload.refreshToken.alg',
        'payload.refreshToken.tag',
        'payload.refreshToken.v',
      ]);
    });

    it('accepts settings without an Odoo connection yet (the merchant has not filled it in)', async () => {
      expect((await check(Topic.StoreSettingsUpdated, { syncEnabled: true })).ok).toBe(true);
    });
  });

  describe('orders', () => {
    it('refuses an order without lines', async () => {
      const problems = await problemsOf(
        Topic.SalesOrderUpserted,
        variantOf(Topic.SalesOrderUpserted, { lines: [] }),
      );
      expect(problems).toEqual(['payload.lines: lines must contain at least 1 elements']);
    });

    it('names the nested field that is wrong', async () => {
      const order = structuredClone(VALID_EXAMPLES[Topic.SalesOrderUpserted]);
      order.lines[0].quantity = 0;
      order.payment.status = 'paid-ish' as never;
      order.totals.total = '';
      const problems = await problemsOf(Topic.SalesOrderUpserted, order);
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
        'payload.lines.0.quantity',
        'payload.payment.status',
        'payload.totals.total',
      ]);
    });

    it('refuses a shipping address with a country name instead of an ISO code', async () => {
      const order = structuredClone(VALID_EXAMPLES[Topic.SalesOrderUpserted]);
      order.shipping = { address: { countryCode: 'السعودية' } };
      const problems = await problemsOf(Topic.SalesOrderUpserted, order);
      expect(problems.join('\n')).toMatch(/^payload\.shipping\.address\.countryCode: /m);
    });

    it('a status command needs exactly one of slug and statusId', async () => {
      const none = await problemsOf(Topic.SalesOrderStatusSet, { orderId: '1' });
      expect(none.join('\n')).toMatch(/slug is required when statusId is not given/);
      const both = await problemsOf(Topic.SalesOrderStatusSet, {
        orderId: '1',
        slug: 'completed',
        statusId: '9',
      });
      expect(both).toEqual(['payload.statusId: statusId and slug must not both be given']);
      expect((await check(Topic.SalesOrderStatusSet, { orderId: '1', statusId: '986688842' })).ok).toBe(true);
    });
  });

  describe('ops and privacy', () => {
    it('a failed sync result must say why', async () => {
      const problems = await problemsOf(
        Topic.OpsSyncResult,
        variantOf(Topic.OpsSyncResult, { message: undefined }),
      );
      expect(problems.join('\n')).toMatch(/^payload\.message: /m);
      const ok = variantOf(Topic.OpsSyncResult, { outcome: 'ok', message: undefined, errorCode: undefined });
      expect((await check(Topic.OpsSyncResult, ok)).ok).toBe(true);
    });

    it('refuses an unknown outcome and a negative duration', async () => {
      const problems = await problemsOf(
        Topic.OpsSyncResult,
        variantOf(Topic.OpsSyncResult, { outcome: 'partial', durationMs: -1 }),
      );
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['payload.durationMs', 'payload.outcome']);
    });

    it('an erasure of one customer must say who', async () => {
      const noSubject = variantOf(Topic.PrivacyErasureRequested, { subject: undefined });
      expect(await problemsOf(Topic.PrivacyErasureRequested, noSubject)).toEqual([
        'payload.subject: subject is required for scope customer',
      ]);
      const emptySubject = variantOf(Topic.PrivacyErasureRequested, { subject: {} });
      expect((await problemsOf(Topic.PrivacyErasureRequested, emptySubject)).join('\n')).toMatch(
        /payload\.subject\.customerId: subject needs customerId, email or phone/,
      );
      const byEmail = variantOf(Topic.PrivacyErasureRequested, { subject: { email: 'a@b.sa' } });
      expect((await check(Topic.PrivacyErasureRequested, byEmail)).ok).toBe(true);
    });

    it('an exported part must say where it is stored', async () => {
      const done = structuredClone(VALID_EXAMPLES[Topic.PrivacyExportCompleted]);
      delete done.part.storageRef;
      expect((await problemsOf(Topic.PrivacyExportCompleted, done)).join('\n')).toMatch(
        /^payload\.part\.storageRef: /m,
      );
      done.part.outcome = 'nothing_found';
      done.part.recordCount = 0;
      expect((await check(Topic.PrivacyExportCompleted, done)).ok).toBe(true);
    });

    it('refuses a receipt with a negative count', async () => {
      const done = structuredClone(VALID_EXAMPLES[Topic.PrivacyErasureCompleted]);
      done.receipt.erasedCount = -1;
      expect(await problemsOf(Topic.PrivacyErasureCompleted, done)).toEqual([
        'payload.receipt.erasedCount: erasedCount must not be less than 0',
      ]);
    });
  });

  describe('raw intake', () => {
    it('refuses a body hash that is not a lower-case SHA-256', async () => {
      const raw = variantOf(Topic.SallaWebhookReceived, { bodySha256: 'A'.repeat(64) });
      expect(await problemsOf(Topic.SallaWebhookReceived, raw)).toEqual([
        'payload.bodySha256: bodySha256 must be 64 lower-case hex characters',
      ]);
    });

    it('refuses a webhook whose data is plaintext: the gateway seals all of it, not a list of secret fields', async () => {
      const raw = variantOf(Topic.SallaWebhookReceived, {
        event: 'app.store.authorize',
        data: { access_token: 'plain', refresh_token: seal('r'), expires: 1634819484 },
      });
      const problems = await problemsOf(Topic.SallaWebhookReceived, raw);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith('payload.data'))).toBe(true);
    });

    it('refuses a created_at that was not converted to UTC', async () => {
      const raw = variantOf(Topic.SallaWebhookReceived, { createdAtUtc: '2022-06-26 12:21:48' });
      expect((await problemsOf(Topic.SallaWebhookReceived, raw)).join('\n')).toMatch(
        /^payload\.createdAtUtc: /m,
      );
    });

    it('refuses a numeric merchant: the gateway turns it into a string', async () => {
      const raw = variantOf(Topic.SallaWebhookReceived, { merchant: 1305146709 });
      expect((await problemsOf(Topic.SallaWebhookReceived, raw)).join('\n')).toMatch(/^payload\.merchant: /m);
    });
  });
});
