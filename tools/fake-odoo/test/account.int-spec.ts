import { startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

import { rpc as call } from './rpc-call';

describe.each(['16', '19'] as const)('fake Odoo accounting, %s style', (style) => {
  let fake: FakeOdoo;
  let orderId: number;
  let orderName: string;

  beforeAll(async () => {
    fake = await startFakeOdoo({ style });
    const db = fake.database();
    const partner = db.createOne('res.partner', { name: 'Sara' }, {});
    const [template] = db.create('product.template', [{ name: 'Oud', list_price: 100 }]);
    const variant = db.rows('product.product').find((p) => p.product_tmpl_id === template)!.id;
    const tax = db.rows('account.tax').find((t) => t.type_tax_use === 'sale')!.id;
    const taxField = style === '19' ? 'tax_ids' : 'tax_id';
    orderId = db.createOne(
      'sale.order',
      {
        partner_id: partner,
        order_line: [
          [0, 0, { product_id: variant, product_uom_qty: 2, price_unit: 100, [taxField]: [[6, 0, [tax]]] }],
        ],
      },
      {},
    );
    orderName = String(db.get('sale.order', orderId)!.name);
  });
  afterAll(() => fake.close());

  const invoiceIds = () =>
    fake
      .records('account.move')
      .filter((m) => m.invoice_origin === orderName)
      .map((m) => m.id);

  it('a quotation has nothing to invoice; a confirmed order gets one invoice, and only one', async () => {
    const context = { active_model: 'sale.order', active_ids: [orderId] };
    const wizard = async () =>
      (
        await call(fake, 'sale.advance.payment.inv', 'create', null, {
          vals_list: [{ advance_payment_method: 'delivered' }],
          context,
        })
      ).value[0];
    const refused = await call(fake, 'sale.advance.payment.inv', 'create_invoices', [await wizard()], {
      context,
    });
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toContain('There is no invoiceable line');

    expect((await call(fake, 'sale.order', 'action_confirm', [orderId])).ok).toBe(true);
    const done = await call(fake, 'sale.advance.payment.inv', 'create_invoices', [await wizard()], {
      context,
    });
    expect(done).toMatchObject({ ok: true, value: style === '19' ? null : undefined }); // None
    expect(invoiceIds()).toHaveLength(1);
    expect(
      (await call(fake, 'sale.advance.payment.inv', 'create_invoices', [await wizard()], { context })).ok,
    ).toBe(false);

    const [invoice] = (
      await call(fake, 'account.move', 'search_read', null, {
        domain: [['invoice_origin', '=', orderName]],
        fields: ['state', 'amount_total', 'amount_residual', 'payment_state', 'move_type'],
      })
    ).value;
    expect(invoice).toMatchObject({
      state: 'draft',
      amount_total: 230,
      amount_residual: 230,
      payment_state: 'not_paid',
      move_type: 'out_invoice',
    });
  });

  it('payments need a posted invoice; one payment settles it and a second wizard is refused', async () => {
    const [invoiceId] = invoiceIds();
    const bank = fake.records('account.journal').find((j) => j.code === 'BNK1')!.id;
    const context = { active_model: 'account.move', active_ids: [invoiceId] };
    const open = () =>
      call(fake, 'account.payment.register', 'create', null, {
        vals_list: [{ journal_id: bank, communication: 'Salla #R1' }],
        context,
      });
    expect((await open()).error.message).toContain('posted journal entries');

    expect((await call(fake, 'account.move', 'action_post', [invoiceId])).ok).toBe(true);
    expect((await call(fake, 'account.move', 'action_post', [invoiceId])).error.message).toContain(
      'already posted',
    );
    const wizard = (await open()).value[0];
    const action = await call(fake, 'account.payment.register', 'action_create_payments', [wizard]);
    expect(action.value).toMatchObject({ res_model: 'account.payment', res_id: expect.any(Number) });

    const memo = style === '19' ? 'memo' : 'ref';
    const payments = (
      await call(fake, 'account.payment', 'search_read', null, {
        domain: [[memo, '=', 'Salla #R1']],
        fields: ['amount', 'journal_id', 'state', 'partner_type'],
      })
    ).value;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      amount: 230,
      journal_id: [bank, 'Bank'],
      partner_type: 'customer',
      state: style === '19' ? 'in_process' : 'posted',
    });
    const [invoice] = (
      await call(fake, 'account.move', 'search_read', null, {
        domain: [['id', '=', invoiceId]],
        fields: ['amount_residual', 'payment_state', 'name'],
      })
    ).value;
    expect(invoice).toMatchObject({
      amount_residual: 0,
      payment_state: style === '19' ? 'in_payment' : 'paid',
    });
    expect(invoice.name).toMatch(/^INV\/\d{4}\/\d{5}$/);
    expect((await open()).error.message).toContain('nothing left to pay');
  });

  it('cancelling the order keeps its posted invoice and payment, as Odoo does', async () => {
    expect(
      (
        await call(fake, 'sale.order', 'action_cancel', [orderId], {
          context: { disable_cancel_warning: true },
        })
      ).ok,
    ).toBe(true);
    const [invoice] = fake.records('account.move').filter((m) => m.invoice_origin === orderName);
    expect(invoice.state).toBe('posted');
    expect(fake.records('account.payment')).toHaveLength(1);
  });
});
