/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read field by field as Odoo returns them */
import { startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

const KEY = 'fake-odoo-admin-key';

interface Answer {
  result?: any;
  error?: { name: string; message: string };
}

/** One call over the style's own protocol: JSON-RPC for 16, JSON-2 (named arguments) for 19. */
async function call(
  fake: FakeOdoo,
  style: '16' | '19',
  model: string,
  method: 'create' | 'write' | 'search_read' | 'unlink',
  args: { vals?: unknown; ids?: number[]; domain?: unknown[]; fields?: string[] },
): Promise<Answer> {
  if (style === '19') {
    const body =
      method === 'create'
        ? { vals_list: args.vals }
        : method === 'write'
          ? { ids: args.ids, vals: args.vals }
          : method === 'unlink'
            ? { ids: args.ids }
            : { domain: args.domain, fields: args.fields };
    const response = await fetch(`${fake.url}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `bearer ${KEY}`,
        'x-odoo-database': 'odoo',
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as any;
    return response.status === 200 ? { result: json } : { error: { name: json.name, message: json.message } };
  }
  const positional =
    method === 'create'
      ? [args.vals]
      : method === 'write'
        ? [args.ids, args.vals]
        : method === 'unlink'
          ? [args.ids]
          : [args.domain, args.fields];
  const response = await fetch(`${fake.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'object', method: 'execute_kw', args: ['odoo', 2, KEY, model, method, positional] },
      id: 1,
    }),
  });
  expect(response.status).toBe(200); // errors too, in the envelope
  const json = (await response.json()) as any;
  return json.error ? { error: { name: json.error.data.name, message: json.error.data.message } } : json;
}

describe.each(['16', '19'] as const)('fake Odoo product attributes and variants, %s style', (style) => {
  let fake: FakeOdoo;
  const ok = async (...a: Parameters<typeof call> extends [any, any, ...infer R] ? R : never) => {
    const answer = await call(fake, style, ...a);
    if (answer.error) throw new Error(`${answer.error.name}: ${answer.error.message}`);
    return answer.result;
  };
  const variantsOf = (templateId: number) =>
    fake.records('product.product').filter((p) => p.product_tmpl_id === templateId && p.active !== false);
  /** Each variant's combination as value names, e.g. "M/Red". */
  const combinations = (templateId: number) =>
    variantsOf(templateId)
      .map((v) =>
        (v.product_template_attribute_value_ids as number[])
          .map((id) => {
            const ptav = fake.database().get('product.template.attribute.value', id)!;
            return fake.database().get('product.attribute.value', ptav.product_attribute_value_id as number)!
              .name;
          })
          .join('/'),
      )
      .sort();

  let size: number;
  let colour: number;
  let values: Record<string, number>;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style });
    [size, colour] = await ok('product.attribute', 'create', {
      vals: [{ name: 'Size' }, { name: 'Colour' }],
    });
    const names = ['S', 'M', 'L', 'Red', 'Blue'];
    const ids: number[] = await ok('product.attribute.value', 'create', {
      vals: names.map((name, i) => ({ name, attribute_id: i < 3 ? size : colour })),
    });
    values = Object.fromEntries(names.map((n, i) => [n, ids[i]]));
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('attributes are made to create variants unless told otherwise', async () => {
    const [row] = await ok('product.attribute', 'search_read', {
      domain: [['id', '=', size]],
      fields: ['create_variant'],
    });
    expect(row.create_variant).toBe('always');
  });

  it('a second value of the same name on one attribute is refused like Odoo does; on another attribute it is fine', async () => {
    const twin = await call(fake, style, 'product.attribute.value', 'create', {
      vals: [{ name: 'M', attribute_id: size }],
    });
    expect(twin.error).toEqual({
      name: 'odoo.exceptions.ValidationError',
      message: `${style === '19' ? 'The operation cannot be completed: ' : ''}You cannot create two values with the same name for the same attribute.`,
    });
    const elsewhere = await call(fake, style, 'product.attribute.value', 'create', {
      vals: [{ name: 'M', attribute_id: colour }],
    });
    expect(elsewhere.error).toBeUndefined();
  });

  it('adding lines replaces the single variant by one per combination, each with its template values', async () => {
    const [templateId] = await ok('product.template', 'create', { vals: [{ name: 'Tee', list_price: 50 }] });
    const [single] = variantsOf(templateId);
    await ok('product.template', 'write', {
      ids: [templateId],
      vals: {
        attribute_line_ids: [
          [0, 0, { attribute_id: size, value_ids: [[6, 0, [values.S, values.M]]] }],
          [0, 0, { attribute_id: colour, value_ids: [[6, 0, [values.Red, values.Blue]]] }],
        ],
      },
    });
    expect(combinations(templateId)).toEqual(['M/Blue', 'M/Red', 'S/Blue', 'S/Red']);
    expect(fake.database().get('product.product', single.id)).toBeUndefined(); // nothing referred to it
    const ptavs = await ok('product.template.attribute.value', 'search_read', {
      domain: [['product_tmpl_id', '=', templateId]],
      fields: ['product_attribute_value_id', 'attribute_id', 'attribute_line_id', 'price_extra'],
    });
    expect(ptavs).toHaveLength(4);
    expect(ptavs[0]).toMatchObject({ attribute_id: [size, 'Size'], price_extra: 0 });

    const before = variantsOf(templateId).map((v) => v.id);
    const [line] = await ok('product.template.attribute.line', 'search_read', {
      domain: [
        ['product_tmpl_id', '=', templateId],
        ['attribute_id', '=', size],
      ],
      fields: ['value_ids'],
    });
    await ok('product.template', 'write', {
      ids: [templateId],
      vals: { attribute_line_ids: [[1, line.id, { value_ids: [[4, values.L]] }]] },
    });
    expect(combinations(templateId)).toEqual(['L/Blue', 'L/Red', 'M/Blue', 'M/Red', 'S/Blue', 'S/Red']);
    expect(variantsOf(templateId).map((v) => v.id)).toEqual(expect.arrayContaining(before));
  });

  it("a value's price_extra is added to the template price of the variants that have it", async () => {
    const [templateId] = await ok('product.template', 'create', {
      vals: [
        {
          name: 'Cap',
          list_price: 40,
          attribute_line_ids: [[0, 0, { attribute_id: size, value_ids: [[6, 0, [values.S, values.L]]] }]],
        },
      ],
    });
    const [large] = await ok('product.template.attribute.value', 'search_read', {
      domain: [
        ['product_tmpl_id', '=', templateId],
        ['product_attribute_value_id', '=', values.L],
      ],
      fields: ['id'],
    });
    await ok('product.template.attribute.value', 'write', { ids: [large.id], vals: { price_extra: 12.5 } });
    const rows = await ok('product.product', 'search_read', {
      domain: [['product_tmpl_id', '=', templateId]],
      fields: ['lst_price', 'price_extra', 'product_template_attribute_value_ids'],
    });
    const prices = rows.map((r: any) => [
      r.product_template_attribute_value_ids.includes(large.id),
      r.lst_price,
    ]);
    expect(prices.sort()).toEqual([
      [false, 40],
      [true, 52.5],
    ]);
  });

  it('a variant an order refers to is archived, not deleted, when the lines change', async () => {
    const [templateId] = await ok('product.template', 'create', { vals: [{ name: 'Mug' }] });
    const [single] = variantsOf(templateId);
    const [partner] = await ok('res.partner', 'create', { vals: [{ name: 'Buyer' }] });
    await ok('sale.order', 'create', {
      vals: [{ partner_id: partner, order_line: [[0, 0, { product_id: single.id, product_uom_qty: 1 }]] }],
    });
    await ok('product.template', 'write', {
      ids: [templateId],
      vals: {
        attribute_line_ids: [
          [0, 0, { attribute_id: colour, value_ids: [[6, 0, [values.Red, values.Blue]]] }],
        ],
      },
    });
    expect(fake.database().get('product.product', single.id)).toMatchObject({ active: false });
    expect(combinations(templateId)).toEqual(['Blue', 'Red']);
  });

  it('a line must have values of its own attribute', async () => {
    const [templateId] = await ok('product.template', 'create', { vals: [{ name: 'Scarf' }] });
    const empty = await call(fake, style, 'product.template', 'write', {
      ids: [templateId],
      vals: { attribute_line_ids: [[0, 0, { attribute_id: size, value_ids: [] }]] },
    });
    expect(empty.error).toMatchObject({
      name: 'odoo.exceptions.ValidationError',
      message: expect.stringContaining('must have at least one value'),
    });
    const wrong = await call(fake, style, 'product.template', 'write', {
      ids: [templateId],
      vals: { attribute_line_ids: [[0, 0, { attribute_id: size, value_ids: [[6, 0, [values.Red]]] }]] },
    });
    expect(wrong.error?.message).toContain('because they do not match');
    expect(variantsOf(templateId)).toHaveLength(1); // both calls rolled back
  });

  it('two variants cannot share a barcode', async () => {
    const [templateId] = await ok('product.template', 'create', {
      vals: [
        {
          name: 'Sock',
          attribute_line_ids: [[0, 0, { attribute_id: size, value_ids: [[6, 0, [values.S, values.M]]] }]],
        },
      ],
    });
    const [a, b] = variantsOf(templateId);
    await ok('product.product', 'write', {
      ids: [a.id],
      vals: { barcode: `BC-${style}-1`, default_code: 'SOCK-S' },
    });
    const clash = await call(fake, style, 'product.product', 'write', {
      ids: [b.id],
      vals: { barcode: `BC-${style}-1` },
    });
    expect(clash.error).toMatchObject({
      name: 'odoo.exceptions.ValidationError',
      message: expect.stringContaining(`Barcode "BC-${style}-1" already assigned`),
    });
  });
});
