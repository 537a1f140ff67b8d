import { odooErrors } from './fake-odoo-error';
import {
  odooNow,
  type Ctx,
  type FakeDatabase,
  type MethodDef,
  type ModelSpec,
  type Rec,
} from './fake-database';
import type { FakeOdooStyle } from './models';

/*
 * `account.move.reversal`, the "Reverse" / "Credit Note" wizard, as the connector drives it over RPC:
 *  - 16 (and 15): a `refund_method` field ('refund' | 'cancel' | 'modify') and the button `reverse_moves()`;
 *  - 17+: no `refund_method`; the buttons `refund_moves()` ("Reverse") and `modify_moves()` ("Reverse and Create
 *    Invoice"), both calling the public `reverse_moves(is_modify)`.
 * Opening it (default_get) on a move that is not posted raises "You can only reverse posted moves.". The plain
 * refund makes a DRAFT credit note per move, copying its lines, with `reversed_entry_id` = the move and
 * `ref` = "Reversal of: <name>, <reason>"; the caller posts it. 'cancel' / 'modify' (post + reconcile with the
 * invoice, and a new draft invoice) are not simulated: the fake refuses them rather than pretend.
 */

const REVERSE_TYPE: Record<string, string> = {
  out_invoice: 'out_refund',
  out_refund: 'out_invoice',
  in_invoice: 'in_refund',
  in_refund: 'in_invoice',
  entry: 'entry',
};

/** Record ids from an x2many value as sent over RPC: plain ids, or (6, 0, ids) / (4, id) commands. */
function idsOf(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  if (value.every((v) => typeof v === 'number')) return value;
  let ids: number[] = [];
  for (const command of value as unknown[][]) {
    if (command[0] === 6) ids = [...(command[2] as number[])];
    else if (command[0] === 4) ids.push(command[1] as number);
  }
  return ids;
}

function activeMoves(ctx: Ctx): number[] {
  return ctx.active_model === 'account.move' ? idsOf(ctx.active_ids) : [];
}

function reverseOne(db: FakeDatabase, wizard: Rec, move: Rec): number {
  const lines = db.where('account.move.line', 'move_id', move.id);
  const reason = typeof wizard.reason === 'string' && wizard.reason ? wizard.reason : null;
  return db.createOne(
    'account.move',
    {
      move_type: REVERSE_TYPE[String(move.move_type)] ?? 'entry',
      partner_id: move.partner_id ?? false,
      currency_id: move.currency_id,
      journal_id: wizard.journal_id || move.journal_id,
      invoice_origin: move.invoice_origin ?? false,
      invoice_date: wizard.date || false,
      reversed_entry_id: move.id,
      ref: reason ? `Reversal of: ${String(move.name)}, ${reason}` : `Reversal of: ${String(move.name)}`,
      invoice_line_ids: lines.map((l) => [
        0,
        0,
        {
          product_id: l.product_id ?? false,
          name: l.name ?? false,
          quantity: l.quantity,
          price_unit: l.price_unit,
          tax_ids: [[6, 0, (l.tax_ids as number[] | undefined) ?? []]],
        },
      ]),
    },
    {},
  );
}

function reverse(db: FakeDatabase, style: FakeOdooStyle, ids: number[], modify: boolean): unknown {
  const created: number[] = [];
  for (const wizard of db.browse('account.move.reversal', ids)) {
    const method = style === '19' ? (modify ? 'modify' : 'refund') : String(wizard.refund_method);
    if (method !== 'refund')
      throw odooErrors.value(`fake Odoo: the reversal method '${method}' is not simulated (only 'refund')`);
    const moves = db.browse('account.move', (wizard.move_ids as number[] | undefined) ?? []);
    if (moves.length === 0) throw odooErrors.user('No journal entries to reverse were selected.');
    const made = moves.map((move) => reverseOne(db, wizard, move));
    db.write('account.move.reversal', [wizard.id], { new_move_ids: [[6, 0, made]] });
    created.push(...made);
  }
  const action = { name: 'Reverse Moves', type: 'ir.actions.act_window', res_model: 'account.move' };
  return created.length === 1
    ? { ...action, view_mode: 'form', res_id: created[0] }
    : { ...action, view_mode: style === '19' ? 'list' : 'tree', domain: [['id', 'in', created]] };
}

export function moveReversalWizard(style: FakeOdooStyle): ModelSpec {
  const button = (modify: boolean): MethodDef => ({
    kind: 'records',
    params: [],
    run: (db, _model, ids) => reverse(db, style, ids, modify),
  });
  const methods: Record<string, MethodDef> =
    style === '19'
      ? {
          reverse_moves: {
            kind: 'records',
            params: ['is_modify'],
            run: (db, _model, ids, args) => reverse(db, style, ids, args.is_modify === true),
          },
          refund_moves: button(false),
          modify_moves: button(true),
        }
      : { reverse_moves: button(false) };
  return {
    description: 'Account move reversal',
    fields: {
      move_ids: { type: 'many2many', relation: 'account.move' },
      new_move_ids: { type: 'many2many', relation: 'account.move' },
      reason: { type: 'char' },
      date: { type: 'date', default: () => odooNow().slice(0, 10) },
      journal_id: { type: 'many2one', relation: 'account.journal' },
      ...(style === '19'
        ? {}
        : {
            refund_method: { type: 'selection', options: ['refund', 'cancel', 'modify'], default: 'refund' },
          }),
    },
    // default_get: the moves it was opened on, which must all be posted; the journal is theirs.
    prepare: (db, vals, ctx, existing) => {
      if (existing) return vals;
      const fromContext = activeMoves(ctx);
      if (vals.move_ids === undefined) vals.move_ids = fromContext;
      const moves = db.browse('account.move', [...new Set([...fromContext, ...idsOf(vals.move_ids)])]);
      if (moves.some((m) => m.state !== 'posted'))
        throw odooErrors.user('You can only reverse posted moves.');
      if (vals.journal_id === undefined && moves[0]) vals.journal_id = moves[0].journal_id;
      return vals;
    },
    methods,
  };
}
