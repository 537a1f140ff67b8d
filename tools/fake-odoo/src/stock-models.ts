import { odooErrors } from './fake-odoo-error';
import { findMethod } from './methods';
import {
  odooNow,
  type Ctx,
  type FakeDatabase,
  type FieldSpec,
  type ModelSpec,
  type Rec,
} from './fake-database';
import { consumeReservation, isStorable, releaseStock, type FakeOdooStyle } from './models';

/*
 * Deliveries, as far as the connector can notice them: confirming a sale order creates an outgoing
 * `stock.picking` (one `stock.move` per physical line, like sale_stock); validating it (`button_validate`)
 * takes the quantities out of the stock location's quants and marks picking and moves done. `write_date`
 * comes from the generic ORM (second precision, like Odoo's), so quants and pickings can be polled by it.
 */

const m2o = (relation: string, extra: { required?: boolean } = {}): FieldSpec => ({
  type: 'many2one',
  relation,
  ...extra,
});
const selection = (options: readonly string[], fallback: string): FieldSpec => ({
  type: 'selection',
  options,
  default: fallback,
});

const PICKING_STATES = ['draft', 'waiting', 'confirmed', 'assigned', 'done', 'cancel'] as const;
const MOVE_STATES = ['draft', 'waiting', 'confirmed', 'partially_available', 'assigned', 'done', 'cancel'];

/** The done quantity of a move: `quantity_done` up to 16, `quantity` from 17 on. */
export const moveDoneField = (style: FakeOdooStyle): string =>
  style === '19' ? 'quantity' : 'quantity_done';

function stockPickingType(): ModelSpec {
  return {
    description: 'Picking Type',
    fields: {
      name: { type: 'char', required: true },
      code: selection(['incoming', 'outgoing', 'internal'], 'internal'),
      sequence_code: { type: 'char' },
      warehouse_id: m2o('stock.warehouse'),
      default_location_src_id: m2o('stock.location'),
      default_location_dest_id: m2o('stock.location'),
      active: { type: 'boolean', default: true },
    },
  };
}

function stockPicking(style: FakeOdooStyle): ModelSpec {
  return {
    description: 'Transfer',
    order: 'priority desc, scheduled_date asc, id desc',
    fields: {
      name: { type: 'char', default: '/' },
      picking_type_id: m2o('stock.picking.type', { required: true }),
      // A related field in Odoo (picking_type_id.code): readable and searchable.
      picking_type_code: {
        type: 'char',
        compute: (db, p) => db.get('stock.picking.type', p.picking_type_id as number)?.code ?? false,
      },
      state: selection(PICKING_STATES, 'draft'),
      priority: { type: 'char', default: '0' },
      sale_id: m2o('sale.order'),
      origin: { type: 'char' },
      partner_id: m2o('res.partner'),
      location_id: m2o('stock.location', { required: true }),
      location_dest_id: m2o('stock.location', { required: true }),
      scheduled_date: { type: 'datetime', default: () => odooNow() },
      date_done: { type: 'datetime' },
      move_ids: { type: 'one2many', relation: 'stock.move', inverse: 'picking_id' },
    },
    methods: {
      // Real Odoo may answer a wizard action (backorder, immediate transfer); with reserved stock on 17+ it
      // validates at once. The fake always validates everything and answers true.
      button_validate: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const picking of db.browse('stock.picking', ids)) validatePicking(db, style, picking);
          return true;
        },
      },
      action_cancel: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const picking of db.browse('stock.picking', ids)) {
            if (picking.state === 'done') continue;
            const moves = movesOf(db, picking.id).map((m) => m.id);
            // Cancelled moves give back their reservation (stock.move._do_unreserve).
            if (picking.sale_id) releaseStock(db, picking.sale_id as number);
            db.write('stock.move', moves, { state: 'cancel' }, { __system: true });
            db.write('stock.picking', [picking.id], { state: 'cancel' }, { __system: true });
          }
          return true;
        },
      },
    },
  };
}

function stockMove(style: FakeOdooStyle): ModelSpec {
  return {
    description: 'Stock Move',
    fields: {
      name: { type: 'char' },
      product_id: m2o('product.product', { required: true }),
      product_uom_qty: { type: 'float', default: 0 },
      [moveDoneField(style)]: { type: 'float', default: 0 },
      state: selection(MOVE_STATES, 'draft'),
      picking_id: m2o('stock.picking'),
      location_id: m2o('stock.location', { required: true }),
      location_dest_id: m2o('stock.location', { required: true }),
      sale_line_id: m2o('sale.order.line'),
      origin: { type: 'char' },
      date: { type: 'datetime', default: () => odooNow() },
    },
  };
}

const movesOf = (db: FakeDatabase, pickingId: number): Rec[] =>
  db.where('stock.move', 'picking_id', pickingId);

/** The warehouse's "Delivery Orders" type, made on first use (a fresh database with stock has one). */
function outgoingType(db: FakeDatabase, warehouseId: number): Rec {
  const existing = db
    .rows('stock.picking.type')
    .find((t) => t.code === 'outgoing' && t.warehouse_id === warehouseId);
  if (existing) return existing;
  const warehouse = db.get('stock.warehouse', warehouseId);
  const customers = db.rows('stock.location').find((l) => l.usage === 'customer');
  const id = db.createOne(
    'stock.picking.type',
    {
      name: 'Delivery Orders',
      code: 'outgoing',
      sequence_code: 'OUT',
      warehouse_id: warehouseId,
      default_location_src_id: warehouse?.lot_stock_id ?? false,
      default_location_dest_id: customers?.id ?? false,
    },
    { __system: true },
  );
  return db.get('stock.picking.type', id)!;
}

/** sale_stock's `_action_launch_stock_rule`, simplified: one ready delivery per confirmed order. */
function createDelivery(db: FakeDatabase, order: Rec): void {
  const type = outgoingType(db, (order.warehouse_id as number) || 1);
  const physical = db
    .rows('sale.order.line')
    .filter((l) => l.order_id === order.id && l.product_id && !l.display_type && !l.is_delivery)
    .filter(
      (l) =>
        db.value('product.product', db.get('product.product', l.product_id as number)!, 'type') !== 'service',
    );
  if (physical.length === 0) return; // services only: nothing to deliver
  const sequence = db.rows('stock.picking').filter((p) => p.picking_type_id === type.id).length + 1;
  const ctx: Ctx = { __system: true };
  const pickingId = db.createOne(
    'stock.picking',
    {
      name: `WH/OUT/${String(sequence).padStart(5, '0')}`,
      picking_type_id: type.id,
      state: 'assigned',
      sale_id: order.id,
      origin: order.name,
      partner_id: order.partner_shipping_id || order.partner_id,
      location_id: type.default_location_src_id,
      location_dest_id: type.default_location_dest_id,
    },
    ctx,
  );
  for (const line of physical) {
    db.createOne(
      'stock.move',
      {
        name: typeof line.name === 'string' ? line.name : '',
        product_id: line.product_id,
        product_uom_qty: line.product_uom_qty,
        state: 'assigned',
        picking_id: pickingId,
        location_id: type.default_location_src_id,
        location_dest_id: type.default_location_dest_id,
        sale_line_id: line.id,
        origin: order.name,
      },
      ctx,
    );
  }
}

function validatePicking(db: FakeDatabase, style: FakeOdooStyle, picking: Rec): void {
  if (picking.state === 'done' || picking.state === 'cancel') {
    throw odooErrors.user(`The transfer ${String(picking.name)} is already done or cancelled.`);
  }
  const ctx: Ctx = { __system: true };
  for (const move of movesOf(db, picking.id)) {
    const quantity = move.product_uom_qty as number;
    if (isStorable(db, style, move.product_id as number)) {
      takeFromQuants(db, move.product_id as number, move.location_id as number, quantity);
      if (picking.sale_id)
        consumeReservation(db, picking.sale_id as number, move.product_id as number, quantity);
    }
    db.write('stock.move', [move.id], { state: 'done', [moveDoneField(style)]: quantity }, ctx);
  }
  db.write('stock.picking', [picking.id], { state: 'done', date_done: odooNow() }, ctx);
}

/** The stock leaves the location: reserved quantity first, then free; a shortfall makes the quant negative. */
function takeFromQuants(db: FakeDatabase, productId: number, locationId: number, quantity: number): void {
  const ctx: Ctx = { __system: true };
  const quants = db
    .rows('stock.quant')
    .filter((q) => q.product_id === productId && q.location_id === locationId)
    .sort((a, b) => ((b.reserved_quantity as number) ?? 0) - ((a.reserved_quantity as number) ?? 0));
  let left = quantity;
  for (const quant of quants) {
    if (left <= 0) break;
    const onHand = quant.quantity as number;
    const take = Math.min(Math.max(onHand, 0), left);
    if (take === 0) continue;
    const reserved = (quant.reserved_quantity as number) ?? 0;
    db.write(
      'stock.quant',
      [quant.id],
      { quantity: onHand - take, reserved_quantity: Math.max(0, reserved - take) },
      ctx,
    );
    left -= take;
  }
  if (left > 0) {
    const [first] = quants;
    if (first) {
      const current = db.get('stock.quant', first.id)!;
      db.write('stock.quant', [first.id], { quantity: (current.quantity as number) - left }, ctx);
    } else {
      db.createOne('stock.quant', { product_id: productId, location_id: locationId, quantity: -left }, ctx);
    }
  }
}

/**
 * Adds the delivery models to a style's models, and makes `sale.order.action_confirm` create the delivery
 * (and `action_cancel` cancel the open ones), as sale_stock does.
 */
export function withStockModels(
  style: FakeOdooStyle,
  models: Record<string, ModelSpec>,
): Record<string, ModelSpec> {
  const order = models['sale.order'];
  const confirm = order.methods!.action_confirm;
  const cancel = order.methods!.action_cancel;
  const saleOrder: ModelSpec = {
    ...order,
    // sale_stock: a new delivery address moves the order's open deliveries to it.
    afterWrite: (db, ids, vals, ctx) => {
      order.afterWrite?.(db, ids, vals, ctx);
      if (!vals.partner_shipping_id) return;
      const open = db
        .rows('stock.picking')
        .filter((p) => ids.includes(p.sale_id as number) && p.state !== 'done' && p.state !== 'cancel');
      if (open.length > 0)
        db.write(
          'stock.picking',
          open.map((p) => p.id),
          { partner_id: vals.partner_shipping_id },
          ctx,
        );
    },
    methods: {
      ...order.methods,
      action_confirm: {
        ...confirm,
        run: (db, model, ids, args, ctx) => {
          const result = confirm.run(db, model, ids, args, ctx);
          for (const confirmed of db.browse('sale.order', ids)) createDelivery(db, confirmed);
          return result;
        },
      },
      action_cancel: {
        ...cancel,
        run: (db, model, ids, args, ctx) => {
          const open = db
            .rows('stock.picking')
            .filter((p) => ids.includes(p.sale_id as number) && p.state !== 'done' && p.state !== 'cancel');
          if (open.length > 0) {
            findMethod(db, 'stock.picking', 'action_cancel').run(
              db,
              'stock.picking',
              open.map((p) => p.id),
              {},
              ctx,
            );
          }
          return cancel.run(db, model, ids, args, ctx);
        },
      },
    },
  };
  return {
    ...models,
    'sale.order': saleOrder,
    'stock.picking.type': stockPickingType(),
    'stock.picking': stockPicking(style),
    'stock.move': stockMove(style),
  };
}

/* Test helpers: what a warehouse user does in the UI, through the same methods the UI calls. */

/** The main warehouse's stock location (WH/Stock). */
export function mainStockLocation(db: FakeDatabase): number {
  const warehouse = db.rows('stock.warehouse').sort((a, b) => a.id - b.id)[0];
  return warehouse.lot_stock_id as number;
}

/**
 * Counts `quantity` on hand for the product at the location (default WH/Stock) and applies it: the
 * Inventory → Physical Inventory screen (`inventory_quantity` in inventory mode, then `action_apply_inventory`).
 */
export function countStock(
  db: FakeDatabase,
  productId: number,
  quantity: number,
  locationId = mainStockLocation(db),
): void {
  const [quantId] = db.create(
    'stock.quant',
    [{ product_id: productId, location_id: locationId, inventory_quantity: quantity }],
    { inventory_mode: true },
  );
  findMethod(db, 'stock.quant', 'action_apply_inventory').run(db, 'stock.quant', [quantId], {}, {});
}

/** The outgoing deliveries of a sale order, oldest first. */
export function deliveriesOf(db: FakeDatabase, saleOrderId: number): Rec[] {
  return db
    .rows('stock.picking')
    .filter((p) => p.sale_id === saleOrderId)
    .sort((a, b) => a.id - b.id);
}

/** Clicks "Validate" on a delivery. */
export function validateDelivery(db: FakeDatabase, pickingId: number): void {
  findMethod(db, 'stock.picking', 'button_validate').run(db, 'stock.picking', [pickingId], {}, {});
}
