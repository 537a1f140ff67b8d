import { startFakeOdoo, type FakeOdoo } from '@app/fake-odoo';

import { rpc } from './rpc-call';

describe.each(['16', '19'] as const)('fake Odoo credit notes, %s style', (style) => {
  let fake: FakeOdoo;
  let invoiceId: number;
  let invoiceName: string;
  let creditId: number;
  const paidState = style === '19' ? 'in_payment' : 'paid';
  const reverseMethod = style === '19' ? 'refund_moves' : 'reverse_moves';
  const wizardVals = (reason: string) => (style === '19' ? { reason } : { reason, refund_method: 'refund' });
  const contextFor = (id: number) => ({ active_model: 'account.move', active_ids: [id] });
  const move = async (id: number, fields: string[]) =>
    (await rpc(fake, 'account.move', 'search_read', null, { domain: [['id', '=', id]], fields })).value[0];

  beforeAll(async () => {
    fake = await startFakeOdoo({ style });
    const db = fake.database();
    const partner = db.createOne('res.partner', { name: 'Sara' }, {});
    const [template] = db.create('product.template', [{ name: 'Oud', list_price: 100 }]);
    const variant = db.rows('product.product').find((p) => p.product_tmpl_id === template)!.id;
    const tax = db.rows('account.tax').find((t) => t.type_tax_use === 'sale')!.id;
    const orderId = db.createOne(
      'sale.order',
      {
        partner_id: partner,
        order_line: [
          [
            0,
            0,
            {
              product_id: variant,
              product_uom_qty: 2,
              price_unit: 100,
              [style === '19' ? 'tax_ids' : 'tax_id']: [[6, 0, [tax]]],
            },
          ],
        ],
      },
      {},
    );
    await rpc(fake, 'sale.order', 'action_confirm', [orderId]);
    const context = { active_model: 'sale.order', active_ids: [orderId] };
    const wizard = (await rpc(fake, 'sale.advance.payment.inv', 'create', null, { vals_list: [{}], context }))
      .value[0];
    await rpc(fake, 'sale.advance.payment.inv', 'create_invoices', [wizard], { context });
    const name = String(db.get('sale.order', orderId)!.name);
    invoiceId = fake.records('account.move').find((m) => m.invoice_origin === name)!.id;
  });
  afterAll(() => fake.close());

  it('a draft invoice cannot be reversed: the wizard refuses to open, as Odoo does', async () => {
    const opened = await rpc(fake, 'account.move.reversal', 'create', null, {
      vals_list: [wizardVals('Salla refund #1')],
      context: contextFor(invoiceId),
    });
    expect(opened.ok).toBe(false);
    expect(opened.error).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: 'You can only reverse posted moves.',
    });
  });

  it("only the version's own reversal API exists", async () => {
    expect((await rpc(fake, 'account.move', 'action_post', [invoiceId])).ok).toBe(true);
    const other =
      style === '19'
        ? await rpc(fake, 'account.move.reversal', 'create', null, {
            vals_list: [{ refund_method: 'refund' }],
            context: contextFor(invoiceId),
          })
        : await rpc(fake, 'account.move.reversal', 'refund_moves', [1]);
    expect(other.ok).toBe(false);
    expect(other.error.message).toMatch(style === '19' ? /Invalid field 'refund_method'/ : /does not exist/);
  });

  it('reversing a paid invoice: a draft credit note of its lines, then posted, numbered and paid back', async () => {
    const bank = fake.records('account.journal').find((j) => j.code === 'BNK1')!.id;
    const pay = async (id: number) => {
      const opened = await rpc(fake, 'account.payment.register', 'create', null, {
        vals_list: [{ journal_id: bank, communication: `pay ${id}` }],
        context: contextFor(id),
      });
      return opened.ok
        ? rpc(fake, 'account.payment.register', 'action_create_payments', opened.value)
        : opened;
    };
    expect((await pay(invoiceId)).error).toBeUndefined();
    invoiceName = (await move(invoiceId, ['name'])).name;

    const [wizard] = (
      await rpc(fake, 'account.move.reversal', 'create', null, {
        vals_list: [wizardVals('Damaged — Salla refund #7')],
        context: contextFor(invoiceId),
      })
    ).value;
    const action = await rpc(fake, 'account.move.reversal', reverseMethod, [wizard], {
      context: contextFor(invoiceId),
    });
    expect(action.value).toMatchObject({ res_model: 'account.move', res_id: expect.any(Number) });
    creditId = action.value.res_id;
    const fields = ['move_type', 'state', 'reversed_entry_id', 'ref', 'amount_total', 'amount_residual'];
    expect(await move(creditId, [...fields, 'payment_state'])).toMatchObject({
      move_type: 'out_refund',
      state: 'draft',
      reversed_entry_id: [invoiceId, invoiceName],
      ref: `Reversal of: ${invoiceName}, Damaged — Salla refund #7`,
      amount_total: 230,
    });

    expect((await rpc(fake, 'account.move', 'action_post', [creditId])).ok).toBe(true);
    const posted = await move(creditId, ['name', 'amount_residual', 'payment_state']);
    expect(posted).toMatchObject({ amount_residual: 230, payment_state: 'not_paid' });
    expect(posted.name).toMatch(/^RINV\/\d{4}\/00001$/);
    // The refund does not touch the invoice's own settlement: it stays paid by its payment.
    expect(await move(invoiceId, ['amount_residual', 'payment_state'])).toMatchObject({
      amount_residual: 0,
      payment_state: paidState,
    });

    expect((await pay(creditId)).ok).toBe(true);
    expect(await move(creditId, ['amount_residual', 'payment_state'])).toMatchObject({
      amount_residual: 0,
      payment_state: paidState,
    });
    const refundPayment = fake.records('account.payment').find((p) => p.amount === 230 && p.id !== 1)!;
    expect(refundPayment).toMatchObject({
      payment_type: 'outbound',
      partner_type: 'customer',
      journal_id: bank,
    });
    expect((await pay(creditId)).error.message).toContain('nothing left to pay');
  });

  it('a credit note created directly against the invoice: one line, taxed, posted', async () => {
    const tax = fake.records('account.tax').find((t) => t.type_tax_use === 'sale')!.id;
    const [id] = (
      await rpc(fake, 'account.move', 'create', null, {
        vals_list: [
          {
            move_type: 'out_refund',
            partner_id: fake.records('res.partner').find((p) => p.name === 'Sara')!.id,
            reversed_entry_id: invoiceId,
            ref: 'Salla refund #8',
            invoice_line_ids: [
              [0, 0, { name: 'Refund', quantity: 1, price_unit: 43.48, tax_ids: [[6, 0, [tax]]] }],
            ],
          },
        ],
      })
    ).value;
    expect((await rpc(fake, 'account.move', 'action_post', [id])).ok).toBe(true);
    expect(await move(id, ['amount_total', 'name', 'state'])).toMatchObject({
      amount_total: 50, // 43.48 + 6.52
      state: 'posted',
    });
    const reversals = (await move(invoiceId, [style === '19' ? 'reversal_move_ids' : 'reversal_move_id']))[
      style === '19' ? 'reversal_move_ids' : 'reversal_move_id'
    ];
    expect(reversals).toEqual([creditId, id]);
  });
});
