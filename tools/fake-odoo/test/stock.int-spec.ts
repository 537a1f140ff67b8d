/* eslint-disable @typescript-eslint/no-explicit-any -- JSON-RPC answers are read field by field as Odoo returns them */
import { countStock, deliveriesOf, mainStockLocation, startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

const KEY = 'fake-odoo-admin-key';

async function executeKw(
  fake: FakeOdoo,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown> = {},
): Promise<any> {
  const response = await fetch(`${fake.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['odoo', 2, KEY, model, method, args, kwargs],
      },
      id: 1,
    }),
  });
  const body = (await response.json()) as Record<string, any>;
  if (body.error) throw new Error(String(body.error.data?.message ?? body.error.message));
  return body.result;
}

const ODOO_DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

describe.each(['16', '19'] as const)('fake Odoo stock and deliveries, %s style', (style) => {
  let fake: FakeOdoo;
  let productId: number;
  let stock: number;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style });
    const storable = style === '19' ? { type: 'consu', is_storable: true } : { type: 'product' };
    const [templateId] = await executeKw(fake, 'product.template', 'create', [
      [{ name: 'Oud oil', default_code: 'OUD-1', list_price: 100, ...storable }],
    ]);
    const [variant] = await executeKw(fake, 'product.product', 'search_read', [
      [['product_tmpl_id', '=', templateId]],
      ['id'],
    ]);
    productId = variant.id;
    stock = mainStockLocation(fake.database());
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('a counted quantity lands on the quant of WH/Stock, whose write_date (seconds) can be polled', async () => {
    const before = new Date().toISOString().replace('T', ' ').slice(0, 19);
    countStock(fake.database(), productId, 12);
    const quants = await executeKw(fake, 'stock.quant', 'search_read', [
      [
        ['location_id', '=', stock],
        ['write_date', '>=', before],
      ],
      ['product_id', 'quantity', 'reserved_quantity', 'write_date'],
    ]);
    expect(quants).toHaveLength(1);
    expect(quants[0]).toMatchObject({ product_id: [productId, expect.any(String)], quantity: 12 });
    expect(quants[0].write_date).toMatch(ODOO_DATETIME);
    const later = await executeKw(fake, 'stock.quant', 'search_read', [
      [['write_date', '>', '2999-01-01 00:00:00']],
      ['id'],
    ]);
    expect(later).toEqual([]);
  });

  it('confirming an order makes one outgoing delivery; validating it takes the stock out and marks it done', async () => {
    const partnerId = await executeKw(fake, 'res.partner', 'create', [{ name: 'Sara' }]);
    const orderId = await executeKw(fake, 'sale.order', 'create', [
      { partner_id: partnerId, order_line: [[0, 0, { product_id: productId, product_uom_qty: 3 }]] },
    ]);
    await executeKw(fake, 'sale.order', 'action_confirm', [[orderId]]);
    const [order] = await executeKw(fake, 'sale.order', 'read', [[orderId], ['name']]);

    const open = await executeKw(fake, 'stock.picking', 'search_read', [
      [
        ['picking_type_code', '=', 'outgoing'],
        ['sale_id', '=', orderId],
      ],
      ['name', 'state', 'origin', 'sale_id', 'date_done', 'move_ids'],
    ]);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ state: 'assigned', origin: order.name, sale_id: [orderId, order.name] });
    expect(open[0].date_done).toBe(false);
    expect(open[0].move_ids).toHaveLength(1);
    expect(deliveriesOf(fake.database(), orderId)).toHaveLength(1);

    await executeKw(fake, 'stock.picking', 'button_validate', [[open[0].id]]);

    const [done] = await executeKw(fake, 'stock.picking', 'read', [[open[0].id], ['state', 'date_done']]);
    expect(done.state).toBe('done');
    expect(done.date_done).toMatch(ODOO_DATETIME);
    const [quant] = await executeKw(fake, 'stock.quant', 'search_read', [
      [
        ['product_id', '=', productId],
        ['location_id', '=', stock],
      ],
      ['quantity', 'reserved_quantity'],
    ]);
    expect(quant).toMatchObject({ quantity: 9, reserved_quantity: 0 });
    const doneField = style === '19' ? 'quantity' : 'quantity_done';
    const [move] = await executeKw(fake, 'stock.move', 'read', [open[0].move_ids, ['state', doneField]]);
    expect(move).toMatchObject({ state: 'done', [doneField]: 3 });
    await expect(executeKw(fake, 'stock.picking', 'button_validate', [[open[0].id]])).rejects.toThrow(
      /already done/,
    );
  });

  it('cancelling a confirmed order cancels its open delivery and leaves the stock alone', async () => {
    const partnerId = await executeKw(fake, 'res.partner', 'create', [{ name: 'Ali' }]);
    const orderId = await executeKw(fake, 'sale.order', 'create', [
      { partner_id: partnerId, order_line: [[0, 0, { product_id: productId, product_uom_qty: 1 }]] },
    ]);
    await executeKw(fake, 'sale.order', 'action_confirm', [[orderId]]);
    await executeKw(fake, 'sale.order', 'action_cancel', [[orderId]]);
    expect(deliveriesOf(fake.database(), orderId).map((p) => p.state)).toEqual(['cancel']);
    const [product] = await executeKw(fake, 'product.product', 'read', [[productId], ['qty_available']]);
    expect(product.qty_available).toBe(9);
  });
});
