import { odooErrors } from './fake-odoo-error';
import { odooNow, type FakeDatabase, type FieldSpec, type ModelSpec, type Rec } from './fake-database';
import type { FakeOdooStyle } from './models';
import { currencyDecimals, lineAmounts, roundMoney } from './money';
import { moveReversalWizard } from './reversal-models';

/*
 * Invoicing and payments as the connector reaches them over RPC (see odoo.md): the `sale.advance.payment.inv`
 * wizard and its `create_invoices` (returns None), `account.move.action_post`, the `account.payment.register`
 * wizard and its `action_create_payments`, or `account.payment` create + `action_post`; credit notes from the
 * `account.move.reversal` wizard (see reversal-models.ts) or an `out_refund` created directly. Simplified where
 * the connector cannot notice: no journal items; a move's residual is its total minus the posted payments
 * reconciled with it (a credit note is never matched with its invoice here, as the wizard's plain "refund"
 * leaves it in Odoo: an outstanding credit until someone matches it or pays it back).
 */

const m2o = (relation: string, extra: { required?: boolean; default?: unknown } = {}): FieldSpec => ({
  type: 'many2one',
  relation,
  ...extra,
});
const selection = (options: readonly string[], fallback?: string): FieldSpec => ({
  type: 'selection',
  options,
  ...(fallback ? { default: fallback } : {}),
});
const char = { type: 'char' } as const;
const float = { type: 'float' } as const;
const today = (): string => odooNow().slice(0, 10);

/** The payment's free-text reference: `ref` (from the move it inherits) until 17, its own `memo` from 18. */
export const paymentMemoField = (style: FakeOdooStyle): string => (style === '19' ? 'memo' : 'ref');

/** Posted names per move type, as the default sale journal numbers them (credit notes get their own sequence). */
const SEQUENCE_PREFIX: Record<string, string> = { out_invoice: 'INV', out_refund: 'RINV' };

/** Payment states that count as money received (16: posted; 18+: in_process / paid). */
const COUNTED_PAYMENT_STATES = new Set(['posted', 'in_process', 'paid']);

function invoiceLines(db: FakeDatabase, move: Rec): Rec[] {
  return db.where('account.move.line', 'move_id', move.id);
}

function lineTotals(db: FakeDatabase, line: Rec) {
  return lineAmounts(db, { ...line, product_uom_qty: line.quantity }, 'tax_ids');
}

/** Rounds an amount of `move` to its currency's smallest unit (fils for KWD), as Odoo's monetary fields do. */
function roundIn(db: FakeDatabase, move: Rec, value: number): number {
  return roundMoney(value, currencyDecimals(db, move.currency_id));
}

function paidOn(db: FakeDatabase, move: Rec): number {
  return roundIn(
    db,
    move,
    db
      .rows('account.payment')
      .filter(
        (p) =>
          COUNTED_PAYMENT_STATES.has(String(p.state)) &&
          ((p.reconciled_invoice_ids as number[] | undefined) ?? []).includes(move.id),
      )
      .reduce((sum, p) => sum + (p.amount as number), 0),
  );
}

function amountTotal(db: FakeDatabase, move: Rec): number {
  return roundIn(
    db,
    move,
    invoiceLines(db, move).reduce((sum, l) => sum + lineTotals(db, l).total, 0),
  );
}

function residual(db: FakeDatabase, move: Rec): number {
  if (move.state !== 'posted') return amountTotal(db, move);
  return Math.max(0, roundIn(db, move, amountTotal(db, move) - paidOn(db, move)));
}

function accountMove(style: FakeOdooStyle): ModelSpec {
  const sum = (key: 'subtotal' | 'tax' | 'total') => (db: FakeDatabase, move: Rec) =>
    roundIn(
      db,
      move,
      invoiceLines(db, move).reduce((acc, l) => acc + lineTotals(db, l)[key], 0),
    );
  return {
    description: 'Journal Entry',
    fields: {
      name: { type: 'char', default: '/' },
      move_type: selection(['entry', 'out_invoice', 'out_refund', 'in_invoice', 'in_refund'], 'entry'),
      state: selection(['draft', 'posted', 'cancel'], 'draft'),
      partner_id: m2o('res.partner'),
      invoice_origin: char,
      ref: char,
      payment_reference: char,
      // A credit note's invoice; the other side is `reversal_move_id` (16–17) / `reversal_move_ids` (18+).
      reversed_entry_id: m2o('account.move'),
      [style === '19' ? 'reversal_move_ids' : 'reversal_move_id']: {
        type: 'one2many',
        relation: 'account.move',
        inverse: 'reversed_entry_id',
      },
      invoice_date: { type: 'date' },
      currency_id: m2o('res.currency', { default: 1 }),
      journal_id: m2o('account.journal', {
        default: (db: FakeDatabase) => db.search('account.journal', [['type', '=', 'sale']], { limit: 1 })[0],
      }),
      invoice_line_ids: { type: 'one2many', relation: 'account.move.line', inverse: 'move_id' },
      amount_untaxed: { type: 'float', compute: sum('subtotal') },
      amount_tax: { type: 'float', compute: sum('tax') },
      amount_total: { type: 'float', compute: sum('total') },
      amount_residual: { type: 'float', compute: residual },
      payment_state: {
        type: 'selection',
        options: ['not_paid', 'in_payment', 'paid', 'partial', 'reversed'],
        compute: (db, move) => {
          if (move.state !== 'posted' || move.move_type === 'entry') return 'not_paid';
          const total = amountTotal(db, move);
          const left = residual(db, move);
          // 17+ with outstanding accounts: paid but not yet matched with a bank statement.
          if (left <= 0) return style === '19' ? 'in_payment' : 'paid';
          return left < total ? 'partial' : 'not_paid';
        },
      },
    },
    methods: {
      action_post: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const move of db.browse('account.move', ids)) {
            if (move.state === 'posted')
              throw odooErrors.user(`The entry ${String(move.name)} (id ${move.id}) is already posted.`);
            if (invoiceLines(db, move).length === 0)
              throw odooErrors.user('You need to add a line before posting.');
            if (move.move_type !== 'entry' && amountTotal(db, move) < 0)
              throw odooErrors.user(
                'You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.',
              );
            const year = today().slice(0, 4);
            const prefix = SEQUENCE_PREFIX[String(move.move_type)] ?? 'MISC';
            const sequence =
              db
                .rows('account.move')
                .filter((m) => m.state === 'posted' && String(m.name).startsWith(`${prefix}/`)).length + 1;
            db.write('account.move', [move.id], {
              state: 'posted',
              name:
                move.name && move.name !== '/'
                  ? move.name
                  : `${prefix}/${year}/${String(sequence).padStart(5, '0')}`,
              invoice_date: move.invoice_date || today(),
            });
          }
          return false;
        },
      },
      button_draft: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          db.write('account.move', ids, { state: 'draft' });
          return false;
        },
      },
      button_cancel: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          if (db.browse('account.move', ids).some((m) => m.state === 'posted'))
            throw odooErrors.user('You cannot cancel a posted entry: reset it to draft first.');
          db.write('account.move', ids, { state: 'cancel' });
          return false;
        },
      },
    },
  };
}

function accountMoveLine(): ModelSpec {
  return {
    description: 'Journal Item',
    fields: {
      move_id: m2o('account.move', { required: true }),
      product_id: m2o('product.product'),
      name: { type: 'text' },
      quantity: { type: 'float', default: 1 },
      price_unit: float,
      tax_ids: { type: 'many2many', relation: 'account.tax' },
      price_subtotal: { type: 'float', compute: (db, l) => lineTotals(db, l).subtotal },
      price_total: { type: 'float', compute: (db, l) => lineTotals(db, l).total },
    },
  };
}

/** Invoices of a sale order: out_invoices whose origin is the order's name (not cancelled). */
function invoicesOf(db: FakeDatabase, order: Rec): Rec[] {
  return db
    .rows('account.move')
    .filter((m) => m.move_type === 'out_invoice' && m.invoice_origin === order.name && m.state !== 'cancel');
}

function advancePaymentWizard(style: FakeOdooStyle): ModelSpec {
  const taxField = style === '19' ? 'tax_ids' : 'tax_id';
  return {
    description: 'Sales Advance Payment Invoice',
    fields: {
      advance_payment_method: selection(['delivered', 'percentage', 'fixed'], 'delivered'),
      sale_order_ids: { type: 'many2many', relation: 'sale.order' },
    },
    // default_get: the orders the wizard was opened on.
    prepare: (_db, vals, ctx, existing) => {
      if (!existing && vals.sale_order_ids === undefined && ctx.active_model === 'sale.order')
        vals.sale_order_ids = ctx.active_ids;
      return vals;
    },
    methods: {
      // Returns None: over JSON-RPC the answer has no `result`.
      create_invoices: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const wizard of db.browse('sale.advance.payment.inv', ids)) {
            for (const order of db.browse('sale.order', (wizard.sale_order_ids as number[]) ?? [])) {
              // Odoo: nothing left to invoice on a quotation or an order invoiced already.
              if (!['sale', 'done'].includes(String(order.state)) || invoicesOf(db, order).length > 0) {
                throw odooErrors.user(
                  'There is no invoiceable line. If a product has a Delivered quantities invoicing policy, please make sure that a quantity has been delivered.',
                );
              }
              const lines = db.where('sale.order.line', 'order_id', order.id);
              db.createOne(
                'account.move',
                {
                  move_type: 'out_invoice',
                  partner_id: order.partner_id,
                  invoice_origin: order.name,
                  ref: order.client_order_ref || false,
                  currency_id: order.currency_id,
                  invoice_line_ids: lines.map((l) => [
                    0,
                    0,
                    {
                      product_id: l.product_id,
                      name: l.name,
                      quantity: l.product_uom_qty,
                      price_unit: l.price_unit,
                      tax_ids: [[6, 0, (l[taxField] as number[] | undefined) ?? []]],
                    },
                  ]),
                },
                {},
              );
            }
          }
          return undefined;
        },
      },
    },
  };
}

function createPayment(db: FakeDatabase, style: FakeOdooStyle, wizard: Rec, moves: Rec[]): number {
  // Money goes out for a customer credit note (the refund), in for an invoice.
  const outbound = moves[0].move_type === 'out_refund';
  return db.createOne(
    'account.payment',
    {
      payment_type: outbound ? 'outbound' : 'inbound',
      partner_type: 'customer',
      partner_id: moves[0].partner_id,
      amount: wizard.amount,
      currency_id: moves[0].currency_id,
      journal_id: wizard.journal_id,
      date: wizard.payment_date || today(),
      [paymentMemoField(style)]: wizard.communication || false,
      reconciled_invoice_ids: moves.map((m) => m.id),
      state: style === '19' ? 'in_process' : 'posted',
    },
    {},
  );
}

function paymentRegisterWizard(style: FakeOdooStyle): ModelSpec {
  return {
    description: 'Pay',
    fields: {
      journal_id: m2o('account.journal', {
        default: (db: FakeDatabase) =>
          db.search('account.journal', [['type', 'in', ['bank', 'cash']]], { limit: 1 })[0],
      }),
      amount: float,
      payment_date: { type: 'date' },
      communication: char,
      // Simplified: the invoices themselves, not their receivable journal items.
      line_ids: { type: 'many2many', relation: 'account.move' },
    },
    // default_get: refuses unposted or settled invoices when the wizard is opened, as Odoo does — two wizards
    // opened before either pays both go through (the race the connector's binding must prevent).
    prepare: (db, vals, ctx, existing) => {
      if (existing) return vals;
      if (vals.line_ids === undefined && ctx.active_model === 'account.move') vals.line_ids = ctx.active_ids;
      const moves = db.browse('account.move', (vals.line_ids as number[] | undefined) ?? []);
      if (moves.length === 0) throw odooErrors.user('You can only register payments for invoices.');
      if (moves.some((m) => m.state !== 'posted'))
        throw odooErrors.user('You can only register payment for posted journal entries.');
      const left = roundIn(
        db,
        moves[0],
        moves.reduce((sum, m) => sum + residual(db, m), 0),
      );
      if (left <= 0)
        throw odooErrors.user(
          "You can't register a payment because there is nothing left to pay on the selected journal items.",
        );
      if (vals.amount === undefined) vals.amount = left;
      if (vals.communication === undefined) vals.communication = moves.map((m) => m.name).join(' ');
      if (vals.payment_date === undefined) vals.payment_date = today();
      return vals;
    },
    methods: {
      action_create_payments: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          const created = db
            .browse('account.payment.register', ids)
            .map((wizard) =>
              createPayment(db, style, wizard, db.browse('account.move', wizard.line_ids as number[])),
            );
          return {
            name: 'Payments',
            type: 'ir.actions.act_window',
            res_model: 'account.payment',
            context: { create: false },
            view_mode: 'form',
            res_id: created[0],
          };
        },
      },
    },
  };
}

function accountPayment(style: FakeOdooStyle): ModelSpec {
  const states =
    style === '19' ? ['draft', 'in_process', 'paid', 'canceled', 'rejected'] : ['draft', 'posted', 'cancel'];
  return {
    description: 'Payments',
    fields: {
      name: {
        type: 'char',
        default: (db: FakeDatabase) =>
          `PBNK1/${today().slice(0, 4)}/${String(db.rows('account.payment').length + 1).padStart(5, '0')}`,
      },
      payment_type: selection(['inbound', 'outbound'], 'inbound'),
      partner_type: selection(['customer', 'supplier'], 'customer'),
      partner_id: m2o('res.partner'),
      amount: float,
      currency_id: m2o('res.currency', { default: 1 }),
      journal_id: m2o('account.journal', { required: true }),
      date: { type: 'date', default: today },
      [paymentMemoField(style)]: char,
      state: selection(states, 'draft'),
      // Computed from the reconciliation in Odoo; stored here (set by the register wizard or on create).
      reconciled_invoice_ids: { type: 'many2many', relation: 'account.move' },
    },
    methods: {
      action_post: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const payment of db.browse('account.payment', ids)) {
            if (payment.state !== 'draft') throw odooErrors.user('Only a draft payment can be posted.');
            db.write('account.payment', [payment.id], { state: style === '19' ? 'in_process' : 'posted' });
          }
          return false;
        },
      },
      action_cancel: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          db.write('account.payment', ids, { state: style === '19' ? 'canceled' : 'cancel' });
          return false;
        },
      },
    },
  };
}

/**
 * Adds the accounting models to a style's models, gives `sale.order` its `invoice_ids` / `invoice_status`,
 * and makes `sale.order.action_cancel` cancel the order's DRAFT invoices only, as Odoo's `_action_cancel`
 * does: a posted invoice and its payment stay.
 */
export function withAccountModels(
  style: FakeOdooStyle,
  models: Record<string, ModelSpec>,
): Record<string, ModelSpec> {
  const order = models['sale.order'];
  const cancel = order.methods!.action_cancel;
  return {
    ...models,
    'sale.order': {
      ...order,
      fields: {
        ...order.fields,
        invoice_ids: {
          type: 'many2many',
          relation: 'account.move',
          compute: (db, o) => invoicesOf(db, o).map((m) => m.id),
        },
        invoice_status: {
          type: 'selection',
          options: ['upselling', 'invoiced', 'to invoice', 'no'],
          compute: (db, o) =>
            invoicesOf(db, o).length > 0 ? 'invoiced' : o.state === 'sale' ? 'to invoice' : 'no',
        },
      },
      methods: {
        ...order.methods,
        action_cancel: {
          ...cancel,
          run: (db, model, ids, args, ctx) => {
            for (const o of db.browse('sale.order', ids)) {
              const drafts = invoicesOf(db, o).filter((m) => m.state === 'draft');
              if (drafts.length > 0)
                db.write(
                  'account.move',
                  drafts.map((m) => m.id),
                  { state: 'cancel' },
                );
            }
            return cancel.run(db, model, ids, args, ctx);
          },
        },
      },
    },
    'account.move': accountMove(style),
    'account.move.line': accountMoveLine(),
    'sale.advance.payment.inv': advancePaymentWizard(style),
    'account.payment.register': paymentRegisterWizard(style),
    'account.payment': accountPayment(style),
    'account.move.reversal': moveReversalWizard(style),
  };
}
