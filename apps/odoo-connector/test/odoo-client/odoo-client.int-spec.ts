import { startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

import {
  LimiterRegistry,
  OdooClient,
  OdooCredentialsError,
  OdooMissingRecordError,
  OdooPermissionError,
  OdooTransientError,
  OdooUnsupportedVersionError,
  OdooValidationError,
  type OdooClientOptions,
} from '../../src/odoo-client';
import { describeClientContract } from './client-contract';

const API_KEY = 'fake-key-0123456789';
const ssrf = { allowHosts: ['127.0.0.1'], allowHttp: true };

function optionsFor(fake: FakeOdoo, extra: Partial<OdooClientOptions> = {}): OdooClientOptions {
  // A registry per client: the concurrency cap under test is this client's, not one left by another test.
  return {
    baseUrl: fake.url,
    database: 'odoo',
    login: 'admin',
    apiKey: API_KEY,
    ssrf,
    limiters: new LimiterRegistry(),
    // Error mapping is asserted one answer at a time; the read retries have their own tests below.
    readRetries: 0,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe.each(['16', '19'] as const)('OdooClient against a %s-style fake Odoo', (style) => {
  let fake: FakeOdoo;
  let client: OdooClient;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style, apiKeys: { admin: API_KEY } });
    client = new OdooClient(optionsFor(fake));
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  describeClientContract(`fake ${style}`, () => ({
    options: optionsFor(fake),
    expectedMajor: Number(style),
  }));

  it(`speaks ${style === '19' ? 'JSON-2' : 'JSON-RPC'} to it`, async () => {
    await client.authenticate();
    fake.resetRecording();
    await client.searchRead('res.country', [['code', '=', 'SA']], ['name']);
    expect(fake.calls.map((c) => c.protocol)).toEqual([style === '19' ? 'json-2' : 'json-rpc']);
  });

  it('treats a method that returns None as success', async () => {
    const storable = await client.productTypeFields('storable');
    const [templateId] = await client.create('product.template', [{ name: 'Quant test', ...storable }]);
    const [product] = await client.searchRead(
      'product.product',
      [['product_tmpl_id', '=', templateId]],
      ['id'],
    );
    const [warehouse] = await client.searchRead<{ id: number; lot_stock_id: [number, string] }>(
      'stock.warehouse',
      [],
      ['lot_stock_id'],
    );
    const [quantId] = await client.create(
      'stock.quant',
      [{ product_id: product.id, location_id: warehouse.lot_stock_id[0], inventory_quantity: 7 }],
      { context: { inventory_mode: true } },
    );
    await expect(client.call('stock.quant', 'action_apply_inventory', [quantId])).resolves.toBeUndefined();
    expect(fake.records('stock.quant').find((q) => q.id === quantId)?.quantity).toBe(7);
  });

  it('maps an injected ValidationError to OdooValidationError carrying exactly Odoo message', async () => {
    fake.validationErrorOn('sale.order', 'action_confirm', 'You cannot confirm an order without lines.');
    const err = await failure(client.call('sale.order', 'action_confirm', [1]));
    expect(err).toBeInstanceOf(OdooValidationError);
    expect((err as OdooValidationError).merchantMessage).toBe('You cannot confirm an order without lines.');
  });

  it.each([500, 502, 503] as const)(
    'reports HTTP %i as transient, and the next call works',
    async (status) => {
      fake.failNext(1, status);
      const err = await failure(client.searchRead('res.country', [], ['code']));
      expect(err).toBeInstanceOf(OdooTransientError);
      expect((err as OdooTransientError).permanent).toBe(false);
      await expect(client.searchRead('res.country', [['code', '=', 'AE']], ['code'])).resolves.toEqual([
        expect.objectContaining({ code: 'AE' }),
      ]);
    },
  );

  it('tries a read again after a 5xx or a timeout, so one flaky answer does not fail the sync', async () => {
    const patient = new OdooClient(optionsFor(fake, { timeoutMs: 300, readRetries: 2 }));
    await patient.authenticate();
    fake.failNext(1, 502);
    fake.timeoutNext(1);
    await expect(patient.searchRead('res.country', [['code', '=', 'AE']], ['code'])).resolves.toEqual([
      expect.objectContaining({ code: 'AE' }),
    ]);
    fake.failNext(3, 503);
    expect(await failure(patient.searchRead('res.country', [], ['code']))).toBeInstanceOf(OdooTransientError);
    await patient.close();
  });

  it('never repeats a write on its own: a lost answer may hide an applied create', async () => {
    const patient = new OdooClient(optionsFor(fake, { readRetries: 2 }));
    await patient.authenticate();
    fake.crashAfter('res.partner', 'create');
    expect(await failure(patient.create('res.partner', [{ name: 'Once Only' }]))).toBeInstanceOf(
      OdooTransientError,
    );
    expect(fake.records('res.partner').filter((p) => p.name === 'Once Only')).toHaveLength(1);
    await patient.close();
  });

  it('gives up after its timeout with a transient error', async () => {
    const impatient = new OdooClient(optionsFor(fake, { timeoutMs: 300 }));
    await impatient.authenticate();
    fake.timeoutNext(1);
    const err = await failure(impatient.searchRead('res.country', [], ['code']));
    expect(err).toBeInstanceOf(OdooTransientError);
    expect(err.message).toMatch(/did not answer within/);
    await impatient.close();
  });

  it('reports a connection dropped after the call was applied as transient (the write happened)', async () => {
    fake.crashAfter('res.partner', 'create');
    const err = await failure(client.create('res.partner', [{ name: 'Crash Test' }]));
    expect(err).toBeInstanceOf(OdooTransientError);
    expect(fake.records('res.partner').filter((p) => p.name === 'Crash Test')).toHaveLength(1);
  });

  it('never has more than 2 calls in flight to one Odoo, queueing the rest', async () => {
    const capped = new OdooClient(optionsFor(fake));
    await capped.authenticate();
    fake.latency(50);
    fake.resetRecording();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => capped.searchRead('res.country', [['code', '=', 'SA']], ['code'])),
    );
    expect(results).toHaveLength(8);
    expect(fake.maxInFlight()).toBe(2);
    await capped.close();
  });

  it('refuses Odoo 15 with an unsupported-version error', async () => {
    const old = await startFakeOdoo({ style: '16', serverVersion: '15.0' });
    const oldClient = new OdooClient(optionsFor(old, { apiKey: 'fake-odoo-admin-key' }));
    const err = await failure(oldClient.authenticate());
    expect(err).toBeInstanceOf(OdooUnsupportedVersionError);
    expect(err.message).toBe('Odoo 15.0 is not supported; version 16 or newer is required');
    await oldClient.close();
    await old.close();
  });
});

describe('JSON-2 error codes (19-style fake)', () => {
  let fake: FakeOdoo;
  let client: OdooClient;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style: '19', apiKeys: { admin: API_KEY } });
    client = new OdooClient(optionsFor(fake));
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  it('401: a bad key', async () => {
    const bad = new OdooClient(optionsFor(fake, { apiKey: 'not-the-key' }));
    const err = await failure(bad.searchRead('res.partner', [], ['name']));
    expect(err).toBeInstanceOf(OdooCredentialsError);
    expect(err.message).not.toContain('not-the-key');
    await bad.close();
  });

  it('403: a private method', async () => {
    expect(await failure(client.call('res.partner', '_compute_display_name', [1]))).toBeInstanceOf(
      OdooPermissionError,
    );
  });

  it('404: an unknown model or method', async () => {
    expect(await failure(client.searchRead('x_unknown.model', [], ['name']))).toBeInstanceOf(
      OdooMissingRecordError,
    );
    expect(await failure(client.call('res.partner', 'no_such_method', [1]))).toBeInstanceOf(
      OdooMissingRecordError,
    );
  });

  it('422: a missing argument', async () => {
    expect(await failure(client.call('res.partner', 'write', [1]))).toBeInstanceOf(OdooValidationError);
  });

  it('a ValueError (type "product" in 19) is a validation error the merchant can read', async () => {
    const err = await failure(client.create('product.template', [{ name: 'Old style', type: 'product' }]));
    expect(err).toBeInstanceOf(OdooValidationError);
    expect((err as OdooValidationError).merchantMessage).toBe(
      "Wrong value for product.template.type: 'product'",
    );
  });
});
