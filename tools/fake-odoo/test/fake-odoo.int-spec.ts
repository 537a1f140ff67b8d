/* eslint-disable @typescript-eslint/no-explicit-any -- JSON-RPC answers are read field by field as Odoo returns them */
import { startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

const KEY = 'fake-odoo-admin-key';

/** Raw protocol helpers: these tests check the wire shapes themselves, not through the client. */
async function jsonRpc(fake: FakeOdoo, service: string, method: string, args: unknown[]) {
  const response = await fetch(`${fake.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 7 }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}
const executeKw = (
  fake: FakeOdoo,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
) => jsonRpc(fake, 'object', 'execute_kw', ['odoo', 2, KEY, model, method, args, kwargs]);

async function json2(fake: FakeOdoo, model: string, method: string, body: unknown, key = KEY) {
  const response = await fetch(`${fake.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `bearer ${key}`,
      'x-odoo-database': 'odoo',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('fake Odoo, 16 style', () => {
  let fake: FakeOdoo;
  beforeAll(async () => {
    fake = await startFakeOdoo({ style: '16' });
  });
  afterAll(() => fake.close());

  it('reports version 16.0 and has no JSON-2 endpoint', async () => {
    const version = await fetch(`${fake.url}/web/webclient/version_info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }),
    });
    expect(((await version.json()) as any).result).toMatchObject({
      server_version: '16.0',
      server_version_info: [16, 0, 0, 'final', 0, ''],
    });
    expect(
      (await fetch(`${fake.url}/json/2/res.partner/search_read`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
  });

  it('answers authenticate with the uid, or false for a bad key', async () => {
    expect((await jsonRpc(fake, 'common', 'authenticate', ['odoo', 'admin', KEY, {}])).body.result).toBe(2);
    expect((await jsonRpc(fake, 'common', 'authenticate', ['odoo', 'admin', 'nope', {}])).body.result).toBe(
      false,
    );
  });

  it('answers errors with HTTP 200 and the Odoo Server Error envelope', async () => {
    const { status, body } = await executeKw(fake, 'product.template', 'create', [
      [{ name: 'X', is_storable: true }],
    ]);
    expect(status).toBe(200);
    expect(body.error).toMatchObject({
      code: 200,
      message: 'Odoo Server Error',
      data: {
        name: 'builtins.ValueError',
        message: "Invalid field 'is_storable' on model 'product.template'",
      },
    });
    expect(body.error.data.debug).toContain('Traceback (most recent call last)');
    expect(
      (await jsonRpc(fake, 'object', 'execute_kw', ['odoo', 2, 'bad', 'res.partner', 'search_read', [[]]]))
        .body.error.data.name,
    ).toBe('odoo.exceptions.AccessDenied');
  });

  it('answers a call on a model it does not have with a UserError, and lists its models in ir.model', async () => {
    const { body } = await executeKw(fake, 'no.model', 'search_read', [[]]);
    expect(body.error.data).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: "Object no.model doesn't exist",
    });
    const models = (await executeKw(fake, 'ir.model', 'search_read', [[]], { fields: ['model'] })).body
      .result as Array<{ model: string }>;
    expect(models.map((m) => m.model)).toEqual(expect.arrayContaining(['delivery.carrier', 'sale.order']));
    const bare = await startFakeOdoo({ style: '16', deliveryApp: false });
    try {
      const { body: found } = await executeKw(bare, 'ir.model', 'search_read', [
        [['model', '=', 'delivery.carrier']],
      ]);
      expect(found.result).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('answers a method that returns None with no `result` key at all', async () => {
    const [product] = (
      await executeKw(fake, 'product.product', 'create', [[{ name: 'Stocked', type: 'product' }]])
    ).body.result;
    const quant = await executeKw(
      fake,
      'stock.quant',
      'create',
      [[{ product_id: product, location_id: 3, inventory_quantity: 4 }]],
      {
        context: { inventory_mode: true },
      },
    );
    const { body } = await executeKw(fake, 'stock.quant', 'action_apply_inventory', [quant.body.result]);
    expect(body).toEqual({ jsonrpc: '2.0', id: 7 });
    expect(fake.records('stock.quant').find((q) => q.id === quant.body.result[0])?.quantity).toBe(4);
  });

  it('treats type "product" as storable and keeps type and detailed_type together', async () => {
    const { body } = await executeKw(fake, 'product.template', 'create', [
      { name: 'Legacy', detailed_type: 'product' },
    ]);
    expect(typeof body.result).toBe('number'); // a dict creates one record and answers its id
    const read = await executeKw(fake, 'product.template', 'read', [
      [body.result],
      ['type', 'detailed_type'],
    ]);
    expect(read.body.result).toEqual([{ id: body.result, type: 'product', detailed_type: 'product' }]);
  });

  it('creates a quant only in inventory mode; outside it the quant is silently empty', async () => {
    const [product] = (
      await executeKw(fake, 'product.product', 'create', [[{ name: 'Trap', type: 'product' }]])
    ).body.result;
    const plain = await executeKw(fake, 'stock.quant', 'create', [
      [{ product_id: product, location_id: 3, inventory_quantity_auto_apply: 9 }],
    ]);
    expect(fake.records('stock.quant').find((q) => q.id === plain.body.result[0])?.quantity).toBe(0);
    await executeKw(
      fake,
      'stock.quant',
      'create',
      [[{ product_id: product, location_id: 3, inventory_quantity_auto_apply: 9 }]],
      {
        context: { inventory_mode: true },
      },
    );
    const quants = fake.records('stock.quant').filter((q) => q.product_id === product);
    expect(quants).toHaveLength(1); // the existing quant was updated, not a second one added
    expect(quants[0].quantity).toBe(9);
    const read = await executeKw(fake, 'product.product', 'read', [[product], ['qty_available']]);
    expect(read.body.result[0].qty_available).toBe(9);
  });

  it('refuses quants for consumables', async () => {
    const [product] = (await executeKw(fake, 'product.product', 'create', [[{ name: 'Consumable' }]])).body
      .result;
    const { body } = await executeKw(
      fake,
      'stock.quant',
      'create',
      [[{ product_id: product, location_id: 3 }]],
      {
        context: { inventory_mode: true },
      },
    );
    expect(body.error.data.name).toBe('odoo.exceptions.ValidationError');
  });
});

describe('fake Odoo, 19 style', () => {
  let fake: FakeOdoo;
  beforeAll(async () => {
    fake = await startFakeOdoo({ style: '19' });
  });
  afterAll(() => fake.close());

  it('serves JSON-2 with bare results and `null` for None', async () => {
    const created = await json2(fake, 'res.partner', 'create', { vals_list: [{ name: 'A' }, { name: 'B' }] });
    expect(created).toEqual({ status: 200, body: [1, 2] });
    expect((await json2(fake, 'res.users', 'context_get', {})).body).toMatchObject({ uid: 2 });
    const [product] = (
      await json2(fake, 'product.product', 'create', { vals_list: [{ name: 'P', is_storable: true }] })
    ).body;
    const [quant] = (
      await json2(fake, 'stock.quant', 'create', {
        vals_list: [{ product_id: product, location_id: 3, inventory_quantity: 2 }],
        context: { inventory_mode: true },
      })
    ).body;
    expect(await json2(fake, 'stock.quant', 'action_apply_inventory', { ids: [quant] })).toEqual({
      status: 200,
      body: null,
    });
  });

  it.each([
    ['a bad key', 'res.partner', 'search_read', {}, 'wrong', 401, 'werkzeug.exceptions.Unauthorized'],
    ['a private method', 'res.partner', '_read', { ids: [1] }, KEY, 403, 'odoo.exceptions.AccessError'],
    ['an unknown model', 'no.model', 'search_read', {}, KEY, 404, 'builtins.KeyError'],
    ['an unknown method', 'res.partner', 'frobnicate', {}, KEY, 404, 'builtins.AttributeError'],
    ['a missing argument', 'res.partner', 'write', { ids: [1] }, KEY, 422, 'builtins.TypeError'],
    [
      'type "product"',
      'product.template',
      'create',
      { vals_list: [{ name: 'X', type: 'product' }] },
      KEY,
      500,
      'builtins.ValueError',
    ],
  ])(
    'answers %s with its status and the error body',
    async (_case, model, method, body, key, status, name) => {
      const answer = await json2(fake, model, method, body, key);
      expect(answer.status).toBe(status);
      expect(answer.body).toEqual({
        name,
        message: expect.any(String),
        arguments: [expect.any(String)],
        context: {},
        debug: expect.any(String),
      });
    },
  );

  it('enforces the ir.model.data (module, name) unique index like Postgres, as an Odoo ValidationError', async () => {
    const vals = { module: 'salla_sync', name: 'order_1_42', model: 'sale.order', res_id: 1 };
    expect((await json2(fake, 'ir.model.data', 'create', { vals_list: [vals] })).status).toBe(200);
    const clash = await json2(fake, 'ir.model.data', 'create', { vals_list: [{ ...vals, res_id: 2 }] });
    expect(clash.status).toBe(422);
    expect(clash.body.name).toBe('odoo.exceptions.ValidationError');
    expect(clash.body.message).toContain(
      'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"',
    );
    expect(fake.records('ir.model.data').filter((r) => r.name === 'order_1_42')).toHaveLength(1);
  });

  it('rejects a duplicate barcode but allows a duplicate default_code, like the real one', async () => {
    const first = await json2(fake, 'product.template', 'create', {
      vals_list: [{ name: 'One', default_code: 'SKU-1', barcode: '628100' }],
    });
    expect(first.status).toBe(200);
    const sameSku = await json2(fake, 'product.template', 'create', {
      vals_list: [{ name: 'Two', default_code: 'SKU-1' }],
    });
    expect(sameSku.status).toBe(200);
    const sameBarcode = await json2(fake, 'product.template', 'create', {
      vals_list: [{ name: 'Three', barcode: '628100' }],
    });
    expect(sameBarcode.status).toBe(422);
    expect(sameBarcode.body.message).toContain('Barcode "628100" already assigned');
    expect(fake.records('product.product').filter((p) => p.default_code === 'SKU-1')).toHaveLength(2);
  });

  it('creates a list in one transaction: one bad record rolls back the whole call', async () => {
    const before = fake.records('res.partner').length;
    const answer = await json2(fake, 'res.partner', 'create', {
      vals_list: [{ name: 'Fine' }, { email: 'no-name@x.sa' }],
    });
    expect(answer.status).toBe(422);
    expect(fake.records('res.partner')).toHaveLength(before);
  });

  it('rolls back every row a failed call created, changed or deleted', async () => {
    const [size] = (await json2(fake, 'product.attribute', 'create', { vals_list: [{ name: 'Size' }] })).body;
    const [small, medium, large] = (
      await json2(fake, 'product.attribute.value', 'create', {
        vals_list: ['S', 'M', 'L'].map((name) => ({ name, attribute_id: size })),
      })
    ).body as number[];
    const before = {
      attributes: fake.records('product.attribute'),
      values: fake.records('product.attribute.value'),
    };

    // One write: renames a value (1), deletes one (2), adds one (0) and then one without its required name.
    const answer = await json2(fake, 'product.attribute', 'write', {
      ids: [size],
      vals: {
        name: 'Sizes',
        value_ids: [
          [1, medium, { name: 'Medium' }],
          [2, large, 0],
          [0, 0, { name: 'XL' }],
          [0, 0, { sequence: 9 }],
        ],
      },
    });

    expect(answer.status).toBe(422);
    expect(fake.records('product.attribute')).toEqual(before.attributes);
    expect(fake.records('product.attribute.value')).toEqual(before.values);
    expect(fake.records('product.attribute.value').map((v) => v.id)).toEqual([small, medium, large]);
  });

  it('makes one variant per template, or one per attribute value combination', async () => {
    const [size] = (await json2(fake, 'product.attribute', 'create', { vals_list: [{ name: 'Size' }] })).body;
    const values = (
      await json2(fake, 'product.attribute.value', 'create', {
        vals_list: ['S', 'M', 'L'].map((name) => ({ name, attribute_id: size })),
      })
    ).body as number[];
    const [plain, sized] = (
      await json2(fake, 'product.template', 'create', {
        vals_list: [
          { name: 'Plain', default_code: 'PLAIN' },
          {
            name: 'Sized',
            attribute_line_ids: [[0, 0, { attribute_id: size, value_ids: [[6, 0, values]] }]],
          },
        ],
      })
    ).body;
    const variants = (id: number) => fake.records('product.product').filter((p) => p.product_tmpl_id === id);
    expect(variants(plain)).toEqual([expect.objectContaining({ default_code: 'PLAIN' })]);
    expect(variants(sized)).toHaveLength(3);
  });

  it('computes order totals from lines and the seeded 15% tax, and confirms/cancels', async () => {
    const [partner] = (await json2(fake, 'res.partner', 'create', { vals_list: [{ name: 'Buyer' }] })).body;
    const [product] = (
      await json2(fake, 'product.product', 'create', { vals_list: [{ name: 'Thing', list_price: 10 }] })
    ).body;
    const [order] = (
      await json2(fake, 'sale.order', 'create', {
        vals_list: [
          {
            partner_id: partner,
            client_order_ref: 'SALLA-1',
            order_line: [
              [0, 0, { product_id: product, product_uom_qty: 3, price_unit: 33.33 }],
              [0, 0, { product_id: product, product_uom_qty: 1, price_unit: 100, discount: 10 }],
            ],
          },
        ],
      })
    ).body;
    const read = async () =>
      (
        await json2(fake, 'sale.order', 'search_read', {
          domain: [['id', '=', order]],
          fields: ['state', 'amount_untaxed', 'amount_tax', 'amount_total', 'partner_id'],
        })
      ).body[0];
    // 99.99 + 15.00 tax, 90.00 + 13.50 tax
    expect(await read()).toEqual({
      id: order,
      state: 'draft',
      amount_untaxed: 189.99,
      amount_tax: 28.5,
      amount_total: 218.49,
      partner_id: [partner, 'Buyer'],
    });
    await json2(fake, 'sale.order', 'action_confirm', { ids: [order] });
    expect((await read()).state).toBe('sale');
    const again = await json2(fake, 'sale.order', 'action_confirm', { ids: [order] });
    expect(again.body.name).toBe('odoo.exceptions.UserError');
    await json2(fake, 'sale.order', 'action_cancel', { ids: [order] });
    expect((await read()).state).toBe('cancel');
  });

  it('takes price-included VAT out of the price when the tax says so', async () => {
    const included = await startFakeOdoo({ style: '19', taxPriceInclude: true });
    const call = (model: string, method: string, body: unknown) => json2(included, model, method, body);
    const [partner] = (await call('res.partner', 'create', { vals_list: [{ name: 'Buyer' }] })).body;
    const [product] = (await call('product.product', 'create', { vals_list: [{ name: 'Thing' }] })).body;
    const [order] = (
      await call('sale.order', 'create', {
        vals_list: [
          {
            partner_id: partner,
            order_line: [[0, 0, { product_id: product, product_uom_qty: 1, price_unit: 115 }]],
          },
        ],
      })
    ).body;
    const [row] = (
      await call('sale.order', 'read', {
        ids: [order],
        fields: ['amount_untaxed', 'amount_tax', 'amount_total'],
      })
    ).body;
    expect(row).toEqual({ id: order, amount_untaxed: 100, amount_tax: 15, amount_total: 115 });
    await included.close();
  });

  it('searches with &, | and comparison operators', async () => {
    const ids = (
      await json2(fake, 'res.country', 'search', {
        domain: ['|', ['code', '=', 'SA'], ['code', 'in', ['AE', 'KW']]],
        order: 'code asc',
      })
    ).body;
    const codes = (await json2(fake, 'res.country', 'read', { ids, fields: ['code'] })).body.map(
      (c: any) => c.code,
    );
    expect(codes).toEqual(['AE', 'KW', 'SA']);
    const names = (
      await json2(fake, 'res.country', 'search_read', {
        domain: [
          ['name', 'ilike', 'saudi'],
          ['id', '>=', 1],
        ],
        fields: ['code'],
      })
    ).body;
    expect(names.map((c: any) => c.code)).toEqual(['SA']);
  });

  it('applies then drops the connection on crashAfter, and counts every call', async () => {
    fake.resetRecording();
    fake.crashAfter('res.partner', 'create');
    await expect(
      json2(fake, 'res.partner', 'create', { vals_list: [{ name: 'Crashed' }] }),
    ).rejects.toThrow();
    expect(fake.records('res.partner').filter((p) => p.name === 'Crashed')).toHaveLength(1);
    expect(fake.count('res.partner', 'create')).toBe(1);
    expect(fake.calls[0]).toMatchObject({
      model: 'res.partner',
      method: 'create',
      protocol: 'json-2',
      outcome: 'crashed',
    });
    expect(fake.counters()).toEqual({ 'res.partner.create': 1 });
  });

  it('also speaks JSON-RPC, with the 19 field names', async () => {
    const { body } = await executeKw(fake, 'product.template', 'create', [
      [{ name: 'Via RPC', type: 'consu', is_storable: true }],
    ]);
    expect(body.result).toEqual([expect.any(Number)]);
  });
});
