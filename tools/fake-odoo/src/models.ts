import { odooErrors } from './fake-odoo-error';
import {
  odooNow,
  type Ctx,
  type FakeDatabase,
  type FieldSpec,
  type ModelSpec,
  type Rec,
  type Vals,
} from './fake-database';
import { currencyDecimals, decimalPlaces, lineAmounts, round2, roundMoney } from './money';
import { withStockModels } from './stock-models';
import { withAccountModels } from './account-models';
import {
  checkVariantCombinations,
  productAttributeModels,
  syncTemplateVariants,
  variantAttributeFields,
} from './product-attribute-models';

/** A field value as Odoo would print it in a name or message (strings and numbers as is, anything else as JSON). */
function printable(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

export type FakeOdooStyle = '16' | '19';

const char = { type: 'char' } as const;
const text = { type: 'text' } as const;
const float = { type: 'float' } as const;
const integer = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const active = { type: 'boolean', default: true } as const;
type Extra = { required?: boolean; default?: unknown };
const m2o = (relation: string, extra: Extra = {}): FieldSpec => ({ type: 'many2one', relation, ...extra });
const o2m = (relation: string, inverse: string): FieldSpec => ({ type: 'one2many', relation, inverse });
const m2m = (relation: string, extra: Extra = {}): FieldSpec => ({ type: 'many2many', relation, ...extra });
const selection = (options: readonly string[], extra: Extra = {}): FieldSpec => ({
  type: 'selection',
  options,
  ...extra,
});

/** The name of the sale line's tax field: renamed from `tax_id` to `tax_ids` in the 19 series. */
export const saleLineTaxField = (style: FakeOdooStyle): string => (style === '19' ? 'tax_ids' : 'tax_id');

/** Whether the product (product.product id) tracks stock, in the style's own terms. */
export function isStorable(db: FakeDatabase, style: FakeOdooStyle, productId: number): boolean {
  const product = db.get('product.product', productId);
  if (!product) return false;
  return style === '19'
    ? db.value('product.product', product, 'is_storable') === true
    : db.value('product.product', product, 'type') === 'product';
}

function sumQuants(db: FakeDatabase, productIds: number[], measure: (quant: Rec) => number): number {
  const internal = new Set(
    db
      .rows('stock.location')
      .filter((l) => l.usage === 'internal')
      .map((l) => l.id),
  );
  return round2(
    db
      .rows('stock.quant')
      .filter((q) => productIds.includes(q.product_id as number) && internal.has(q.location_id as number))
      .reduce((sum, quant) => sum + measure(quant), 0),
  );
}

const variantsOf = (db: FakeDatabase, templateId: number): Rec[] =>
  db.where('product.product', 'product_tmpl_id', templateId);

/** Template fields that live on its variant while there is exactly one (default_code, barcode). */
function singleVariantField(field: string): FieldSpec {
  return {
    type: 'char',
    compute: (db, template) => {
      const variants = variantsOf(db, template.id).filter((v) => v.active !== false);
      return variants.length === 1 ? (variants[0][field] ?? false) : false;
    },
    setter: (db, template, value, ctx) => {
      const variants = variantsOf(db, template.id);
      if (variants.length === 1) db.write('product.product', [variants[0].id], { [field]: value }, ctx);
      else
        pendingVariantValues.set(template.id, { ...pendingVariantValues.get(template.id), [field]: value });
    },
  };
}
/** default_code/barcode given to a template before its variant exists (during create). */
const pendingVariantValues = new Map<number, Vals>();

function productTemplate(style: FakeOdooStyle): ModelSpec {
  const typeFields: Record<string, FieldSpec> =
    style === '19'
      ? { type: selection(['consu', 'service', 'combo'], { default: 'consu' }), is_storable: bool }
      : {
          // No defaults here: `prepare` fills whichever of the two is missing from the other.
          type: selection(['consu', 'service', 'product']),
          detailed_type: selection(['consu', 'service', 'product']),
        };
  return {
    description: 'Product',
    fields: {
      name: { type: 'char', required: true },
      ...typeFields,
      list_price: { type: 'float', default: 1 },
      standard_price: float,
      categ_id: m2o('product.category', { default: 1, required: true }),
      taxes_id: m2m('account.tax', {
        default: (db: FakeDatabase) =>
          db.search('account.tax', [['type_tax_use', '=', 'sale']], { limit: 1 }),
      }),
      sale_ok: { type: 'boolean', default: true },
      purchase_ok: { type: 'boolean', default: true },
      description_sale: text,
      active,
      default_code: singleVariantField('default_code'),
      barcode: singleVariantField('barcode'),
      product_variant_ids: o2m('product.product', 'product_tmpl_id'),
      product_variant_id: {
        type: 'many2one',
        relation: 'product.product',
        compute: (db, t) => variantsOf(db, t.id)[0]?.id ?? false,
      },
      product_variant_count: { type: 'integer', compute: (db, t) => variantsOf(db, t.id).length },
      attribute_line_ids: o2m('product.template.attribute.line', 'product_tmpl_id'),
      qty_available: {
        type: 'float',
        compute: (db, t) =>
          sumQuants(
            db,
            variantsOf(db, t.id).map((v) => v.id),
            (q) => q.quantity as number,
          ),
      },
    },
    prepare: (_db, vals, _ctx, existing) => {
      if (style === '16' && !existing && vals.type === undefined && vals.detailed_type === undefined) {
        vals.type = vals.detailed_type = 'consu';
      }
      // 16/17: detailed_type is what the UI edits; type follows it (and the other way round when only type is set).
      if (style === '16') {
        if (vals.detailed_type !== undefined && vals.type === undefined) vals.type = vals.detailed_type;
        else if (vals.type !== undefined && vals.detailed_type === undefined) vals.detailed_type = vals.type;
      }
      return vals;
    },
    afterWrite: (db, ids, vals, ctx) => {
      // product.template.write: (un)archiving a template (un)archives its variants.
      if (!('active' in vals)) return;
      const variants = db.search('product.product', [['product_tmpl_id', 'in', ids]], {
        ctx: { active_test: false },
      });
      if (variants.length > 0) db.write('product.product', variants, { active: vals.active }, ctx);
    },
    afterCreate: (db, template, vals, ctx) => {
      if (vals.__from_child) return; // created by product.product.create, which makes the variant itself
      const pending = pendingVariantValues.get(template.id) ?? {};
      pendingVariantValues.delete(template.id);
      const variants = syncTemplateVariants(db, template.id, ctx);
      if (variants.length === 1 && Object.keys(pending).length > 0)
        db.write('product.product', variants, pending, ctx);
    },
  };
}

function productProduct(): ModelSpec {
  return {
    description: 'Product Variant',
    delegate: { field: 'product_tmpl_id', model: 'product.template' },
    fields: {
      product_tmpl_id: m2o('product.template', { required: true }),
      default_code: char,
      barcode: char,
      active,
      ...variantAttributeFields(),
      qty_available: {
        type: 'float',
        compute: (db, p) => sumQuants(db, [p.id], (q) => q.quantity as number),
      },
      free_qty: {
        type: 'float',
        compute: (db, p) =>
          sumQuants(db, [p.id], (q) => (q.quantity as number) - ((q.reserved_quantity as number) ?? 0)),
      },
      virtual_available: {
        type: 'float',
        compute: (db, p) =>
          sumQuants(db, [p.id], (q) => (q.quantity as number) - ((q.reserved_quantity as number) ?? 0)),
      },
    },
    displayName: (db, p) => {
      const name = String(db.value('product.product', p, 'name'));
      return p.default_code ? `[${printable(p.default_code)}] ${name}` : name;
    },
    check: (db, ids) => {
      checkVariantCombinations(db, ids);
      // Odoo's _check_barcode_uniqueness (archived products count too).
      for (const id of ids) {
        const product = db.get('product.product', id);
        const barcode = product?.barcode;
        if (!barcode) continue;
        const others = db.where('product.product', 'barcode', barcode).filter((p) => p.id !== id);
        if (others.length > 0) {
          const names = others.map((p) => db.displayName('product.product', p)).join(', ');
          throw odooErrors.validation(
            `Barcode(s) already assigned:\n\n- Barcode "${printable(barcode)}" already assigned to product(s): ${names}`,
          );
        }
      }
    },
  };
}

function saleOrder(style: FakeOdooStyle): ModelSpec {
  const taxField = saleLineTaxField(style);
  const lines = (db: FakeDatabase, order: Rec) => db.where('sale.order.line', 'order_id', order.id);
  const sum = (key: 'subtotal' | 'tax' | 'total') => (db: FakeDatabase, order: Rec) =>
    roundMoney(
      lines(db, order).reduce((acc, line) => acc + lineAmounts(db, line, taxField)[key], 0),
      currencyDecimals(db, order.currency_id),
    );
  return {
    description: 'Sales Order',
    order: 'date_order desc, id desc',
    prepare: (db, vals, _ctx, existing) => saleOrderCurrency(db, vals, existing),
    fields: {
      name: {
        type: 'char',
        default: (db: FakeDatabase) => `S${String(db.scan('sale.order').length + 1).padStart(5, '0')}`,
      },
      partner_id: m2o('res.partner', { required: true }),
      // Computed from the customer in Odoo when not given (its delivery contact, else itself).
      partner_shipping_id: m2o('res.partner'),
      client_order_ref: char,
      origin: char,
      note: text,
      state: selection(
        style === '19' ? ['draft', 'sent', 'sale', 'cancel'] : ['draft', 'sent', 'sale', 'done', 'cancel'],
        {
          default: 'draft',
        },
      ),
      date_order: { type: 'datetime', default: () => odooNow() },
      company_id: m2o('res.company', { default: (db: FakeDatabase) => userCompany(db) }),
      // 16: required, from the partner's default price list; 17+: optional (company currency without one).
      pricelist_id: m2o('product.pricelist', {
        required: style === '16',
        default: (db: FakeDatabase) =>
          db.search('product.pricelist', [], { order: 'sequence asc, id asc', limit: 1 })[0] ?? false,
      }),
      // Stored compute in Odoo: set by `prepare` from the price list (company currency without one).
      currency_id: m2o('res.currency'),
      warehouse_id: m2o('stock.warehouse', { default: 1 }),
      carrier_id: m2o('delivery.carrier'),
      order_line: o2m('sale.order.line', 'order_id'),
      amount_untaxed: { type: 'float', compute: sum('subtotal') },
      amount_tax: { type: 'float', compute: sum('tax') },
      amount_total: { type: 'float', compute: sum('total') },
    },
    methods: {
      action_confirm: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          const orders = db.browse('sale.order', ids);
          if (orders.some((o) => o.state !== 'draft' && o.state !== 'sent')) {
            throw odooErrors.user('Some orders are not in a state requiring confirmation.');
          }
          for (const order of orders) {
            // Like _prepare_confirmation_values: a confirmed order's date is its confirmation date.
            db.write('sale.order', [order.id], { state: 'sale', date_order: odooNow() });
            reserveStock(db, style, order);
          }
          return true;
        },
      },
      action_cancel: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const order of db.browse('sale.order', ids)) {
            releaseStock(db, order.id);
            db.write('sale.order', [order.id], { state: 'cancel' });
          }
          return true;
        },
      },
      action_draft: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          db.write('sale.order', ids, { state: 'draft' });
          return true;
        },
      },
    },
  };
}

/** The "Product Price" decimal accuracy (2 in a fresh database; Kuwaiti merchants raise it to 3). */
const priceDigits = (db: FakeDatabase): number =>
  (db.rows('decimal.precision').find((p) => p.name === 'Product Price')?.digits as number | undefined) ?? 2;

const userCompany = (db: FakeDatabase): number => (db.get('res.users', db.uid)?.company_id as number) || 1;

/**
 * `currency_id` follows the price list (`_compute_currency_id`); a confirmed order's price list is frozen, and
 * Odoo refuses any write that names it, even unchanged.
 */
function saleOrderCurrency(db: FakeDatabase, vals: Vals, existing?: Rec): Vals {
  if (existing && vals.pricelist_id === undefined) return vals;
  if (existing?.state === 'sale')
    throw odooErrors.user('You cannot change the pricelist of a confirmed order !');
  const pricelist = vals.pricelist_id ? db.get('product.pricelist', Number(vals.pricelist_id)) : undefined;
  const companyId = (vals.company_id ?? existing?.company_id) as number | undefined;
  const company = db.get('res.company', companyId ?? userCompany(db));
  const currency = pricelist?.currency_id ?? company?.currency_id;
  if (currency) vals.currency_id = currency;
  return vals;
}

/** Reserved quantities per order, released on cancel: quant id → quantity. */
const reservations = new WeakMap<FakeDatabase, Map<number, Array<[number, number]>>>();

function reserveStock(db: FakeDatabase, style: FakeOdooStyle, order: Rec): void {
  const warehouse = db.get('stock.warehouse', order.warehouse_id as number);
  const stockLocation = warehouse?.lot_stock_id;
  const taken: Array<[number, number]> = [];
  for (const line of db.where('sale.order.line', 'order_id', order.id)) {
    const productId = line.product_id as number | undefined;
    if (!productId || !isStorable(db, style, productId)) continue;
    let wanted = (line.product_uom_qty as number) ?? 0;
    for (const quant of db
      .rows('stock.quant')
      .filter((q) => q.product_id === productId && q.location_id === stockLocation)) {
      const free = (quant.quantity as number) - ((quant.reserved_quantity as number) ?? 0);
      const take = Math.max(0, Math.min(free, wanted));
      if (take === 0) continue;
      db.write(
        'stock.quant',
        [quant.id],
        { reserved_quantity: ((quant.reserved_quantity as number) ?? 0) + take },
        { __system: true },
      );
      taken.push([quant.id, take]);
      wanted -= take;
    }
  }
  const byOrder = reservations.get(db) ?? new Map<number, Array<[number, number]>>();
  byOrder.set(order.id, taken);
  reservations.set(db, byOrder);
}

/** Gives back what the order still holds (its cancel, or its delivery's). */
export function releaseStock(db: FakeDatabase, orderId: number): void {
  const taken = reservations.get(db)?.get(orderId) ?? [];
  for (const [quantId, quantity] of taken) {
    const quant = db.get('stock.quant', quantId);
    if (!quant) continue;
    db.write(
      'stock.quant',
      [quantId],
      { reserved_quantity: Math.max(0, (quant.reserved_quantity as number) - quantity) },
      { __system: true },
    );
  }
  reservations.get(db)?.delete(orderId);
}

/**
 * A validated delivery used `quantity` of what the order held of the product (the quants' reserved quantity is
 * lowered where the stock leaves): only the rest is given back if its backorder is cancelled later.
 */
export function consumeReservation(
  db: FakeDatabase,
  orderId: number,
  productId: number,
  quantity: number,
): void {
  let left = quantity;
  for (const entry of reservations.get(db)?.get(orderId) ?? []) {
    if (left <= 0) break;
    if (db.get('stock.quant', entry[0])?.product_id !== productId) continue;
    const used = Math.min(entry[1], left);
    entry[1] -= used;
    left -= used;
  }
}

function saleOrderLine(style: FakeOdooStyle): ModelSpec {
  const taxField = saleLineTaxField(style);
  const amount = (key: 'subtotal' | 'tax' | 'total') => (db: FakeDatabase, line: Rec) =>
    lineAmounts(db, line, taxField)[key];
  return {
    description: 'Sales Order Line',
    fields: {
      order_id: m2o('sale.order', { required: true }),
      product_id: m2o('product.product'),
      name: text,
      display_type: selection(['line_section', 'line_note']),
      product_uom_qty: { type: 'float', default: 1 },
      price_unit: float,
      discount: float,
      [taxField]: m2m('account.tax'),
      is_delivery: bool,
      price_subtotal: { type: 'float', compute: amount('subtotal') },
      price_tax: { type: 'float', compute: amount('tax') },
      price_total: { type: 'float', compute: amount('total') },
    },
    prepare: (db, vals, _ctx, existing) => {
      // A Float with digits='Product Price' is stored rounded to them (a KWD 12.345 becomes 12.35 at 2).
      if (typeof vals.price_unit === 'number') vals.price_unit = roundMoney(vals.price_unit, priceDigits(db));
      // Like the onchanges a create runs: the product's name, price and sales taxes unless given.
      if (existing || !vals.product_id) return vals;
      const product = db.get('product.product', vals.product_id as number);
      if (!product) return vals;
      if (vals.name === undefined) vals.name = db.displayName('product.product', product);
      if (vals.price_unit === undefined) vals.price_unit = db.value('product.product', product, 'list_price');
      if (vals[taxField] === undefined) vals[taxField] = db.value('product.product', product, 'taxes_id');
      return vals;
    },
    check: (db, ids) => {
      for (const line of db.browse('sale.order.line', ids)) {
        if (!line.display_type && !line.product_id) {
          throw odooErrors.validation('Missing required product and UoM on accountable sale order line.');
        }
      }
    },
  };
}

function stockQuant(style: FakeOdooStyle): ModelSpec {
  const applyInventoryMode = (vals: Vals, ctx: Ctx): Vals => {
    const out = { ...vals };
    if ('inventory_quantity_auto_apply' in out) {
      if (!ctx.inventory_mode)
        throw odooErrors.user("Quant's editing is restricted, you can't do this operation.");
      out.quantity = out.inventory_quantity_auto_apply;
      delete out.inventory_quantity_auto_apply;
    }
    if ('inventory_quantity' in out) out.inventory_quantity_set = true;
    if (('quantity' in vals || 'reserved_quantity' in vals) && !ctx.__system && !ctx.inventory_mode) {
      throw odooErrors.user("Quant's editing is restricted, you can't do this operation.");
    }
    return out;
  };
  return {
    description: 'Quants',
    fields: {
      product_id: m2o('product.product', { required: true }),
      location_id: m2o('stock.location', { required: true }),
      quantity: { type: 'float', default: 0 },
      reserved_quantity: { type: 'float', default: 0 },
      inventory_quantity: float,
      inventory_quantity_set: bool,
      available_quantity: {
        type: 'float',
        compute: (_db, q) => round2((q.quantity as number) - ((q.reserved_quantity as number) ?? 0)),
      },
      inventory_quantity_auto_apply: {
        type: 'float',
        compute: (_db, q) => q.quantity ?? 0,
        setter: () => undefined, // handled in prepare (needs the context)
      },
    },
    // Inventory mode (the UI's editable On Hand column) updates the existing quant of product + location
    // instead of adding one; outside it, create silently makes an EMPTY quant, like the real one.
    create: (db, valsList, ctx) =>
      valsList.map((vals) => {
        const productId = vals.product_id as number;
        if (!isStorable(db, style, productId)) {
          throw odooErrors.validation('Quants cannot be created for consumables or services.');
        }
        const { inventory_quantity_auto_apply: onHand, ...rest } = vals;
        if (!ctx.inventory_mode) return db.createOne('stock.quant', rest, ctx);
        const existing = db
          .rows('stock.quant')
          .find((q) => q.product_id === productId && q.location_id === vals.location_id);
        const id = existing ? existing.id : db.createOne('stock.quant', rest, ctx);
        if (onHand !== undefined)
          db.write('stock.quant', [id], { inventory_quantity_auto_apply: onHand }, ctx);
        else if (existing && rest.inventory_quantity !== undefined) {
          db.write('stock.quant', [id], { inventory_quantity: rest.inventory_quantity }, ctx);
        }
        return id;
      }),
    prepare: (_db, vals, ctx, existing) => {
      if (existing) return applyInventoryMode(vals, ctx);
      if (vals.inventory_quantity !== undefined) vals.inventory_quantity_set = true;
      return vals;
    },
    methods: {
      // Returns None: over JSON-RPC the answer has no `result` at all.
      action_apply_inventory: {
        kind: 'records',
        params: [],
        run: (db, _model, ids) => {
          for (const quant of db.browse('stock.quant', ids)) {
            // A quant whose counted quantity was never set is applied as 0 — the real trap.
            const counted = quant.inventory_quantity_set ? (quant.inventory_quantity as number) : 0;
            db.write(
              'stock.quant',
              [quant.id],
              { quantity: counted, inventory_quantity: 0, inventory_quantity_set: false },
              { __system: true },
            );
          }
          return undefined;
        },
      },
    },
  };
}

/** The installed models (Settings → Technical → Models): one row per model of this database, seeded. */
function irModel(): ModelSpec {
  return {
    description: 'Models',
    fields: {
      model: { type: 'char', required: true },
      name: { type: 'char', required: true },
    },
  };
}

function irModelData(): ModelSpec {
  return {
    description: 'Model Data',
    fields: {
      module: { type: 'char', required: true },
      name: { type: 'char', required: true },
      model: { type: 'char', required: true },
      res_id: integer,
      noupdate: bool,
      complete_name: { type: 'char', compute: (_db, r) => `${String(r.module)}.${String(r.name)}` },
    },
    check: (db, ids) => {
      // UNIQUE INDEX ir_model_data_module_name_uniq_index ON ir_model_data (module, name)
      for (const id of ids) {
        const row = db.get('ir.model.data', id)!;
        const clash = db
          .where('ir.model.data', 'name', row.name)
          .find((r) => r.id !== id && r.module === row.module);
        if (clash) {
          throw odooErrors.uniqueViolation(
            'ir_model_data_module_name_uniq_index',
            'module, name',
            `${String(row.module)}, ${String(row.name)}`,
          );
        }
      }
    },
  };
}

export function buildModels(style: FakeOdooStyle): Record<string, ModelSpec> {
  return withAccountModels(
    style,
    withStockModels(style, {
      'res.users': {
        description: 'User',
        fields: {
          name: char,
          login: { type: 'char', required: true },
          company_id: m2o('res.company', { default: 1 }),
          active,
        },
        methods: {
          context_get: {
            kind: 'model',
            params: [],
            run: (db) => ({ lang: 'en_US', tz: 'Asia/Riyadh', uid: db.uid }),
          },
        },
      },
      'res.currency': {
        description: 'Currency',
        fields: {
          name: char,
          symbol: char,
          active,
          rounding: { type: 'float', default: 0.01 },
          decimal_places: {
            type: 'integer',
            compute: (_db, c) => decimalPlaces((c.rounding as number | undefined) ?? 0.01),
          },
        },
      },
      'res.company': {
        description: 'Companies',
        fields: {
          name: { type: 'char', required: true },
          currency_id: m2o('res.currency', { required: true }),
        },
      },
      'decimal.precision': {
        description: 'Decimal Precision',
        fields: { name: { type: 'char', required: true }, digits: { type: 'integer', default: 2 } },
      },
      'product.pricelist': {
        description: 'Pricelist',
        order: 'sequence asc, id asc',
        fields: {
          name: { type: 'char', required: true },
          currency_id: m2o('res.currency', {
            required: true,
            default: (db: FakeDatabase) => db.get('res.company', userCompany(db))?.currency_id,
          }),
          company_id: m2o('res.company'),
          sequence: { type: 'integer', default: 16 },
          active,
        },
      },
      'res.country': { description: 'Country', fields: { name: char, code: char } },
      'res.partner': {
        description: 'Contact',
        fields: {
          name: char,
          email: char,
          phone: char,
          mobile: char,
          street: char,
          street2: char,
          city: char,
          zip: char,
          country_id: m2o('res.country'),
          vat: char,
          ref: char,
          comment: text,
          lang: char,
          is_company: bool,
          customer_rank: integer,
          type: selection(['contact', 'invoice', 'delivery', 'other'], { default: 'contact' }),
          parent_id: m2o('res.partner'),
          active,
        },
        check: (db, ids) => {
          for (const partner of db.browse('res.partner', ids)) {
            if (partner.type === 'contact' && !partner.name)
              throw odooErrors.validation('Contacts require a name');
          }
        },
      },
      'product.category': {
        description: 'Product Category',
        fields: {
          name: { type: 'char', required: true },
          parent_id: m2o('product.category'),
          child_id: o2m('product.category', 'parent_id'),
          complete_name: {
            type: 'char',
            compute: (db, c) => {
              const parent = c.parent_id ? db.get('product.category', c.parent_id as number) : undefined;
              const parentName = parent ? db.value('product.category', parent, 'complete_name') : undefined;
              return parentName ? `${printable(parentName)} / ${printable(c.name)}` : c.name;
            },
          },
        },
      },
      ...productAttributeModels(style),
      'product.template': productTemplate(style),
      'product.product': productProduct(),
      'account.tax': {
        description: 'Tax',
        fields: {
          name: { type: 'char', required: true },
          amount: float,
          amount_type: selection(['percent', 'fixed', 'group', 'division'], { default: 'percent' }),
          type_tax_use: selection(['sale', 'purchase', 'none'], { default: 'sale' }),
          price_include: bool,
          active,
        },
      },
      'account.journal': {
        description: 'Journal',
        fields: {
          name: { type: 'char', required: true },
          code: char,
          type: selection(['sale', 'purchase', 'cash', 'bank', 'general'], { required: true }),
          active,
        },
      },
      'delivery.carrier': {
        description: 'Shipping Methods',
        fields: {
          name: { type: 'char', required: true },
          product_id: m2o('product.product', { required: true }),
          delivery_type: selection(['fixed', 'base_on_rule'], { default: 'fixed' }),
          fixed_price: float,
          active,
        },
      },
      'stock.location': {
        description: 'Inventory Locations',
        fields: {
          name: { type: 'char', required: true },
          complete_name: char,
          usage: selection([
            'supplier',
            'view',
            'internal',
            'customer',
            'inventory',
            'production',
            'transit',
          ]),
          location_id: m2o('stock.location'),
          active,
        },
        displayName: (_db, l) => String(l.complete_name ?? l.name),
      },
      'stock.warehouse': {
        description: 'Warehouse',
        fields: {
          name: { type: 'char', required: true },
          code: char,
          lot_stock_id: m2o('stock.location'),
          view_location_id: m2o('stock.location'),
          active,
        },
      },
      'stock.quant': stockQuant(style),
      'sale.order': saleOrder(style),
      'sale.order.line': saleOrderLine(style),
      'ir.model.data': irModelData(),
      'ir.model': irModel(),
    }),
  );
}

export interface SeedOptions {
  /** Logins with their uids (admin is 2, like a fresh database). */
  users: Array<{ uid: number; login: string }>;
  /** The seeded 15% sales tax includes VAT in the price (default false). */
  taxPriceInclude: boolean;
}

/** What a fresh database with sale_management, stock and delivery installed holds that sync relies on. */
export function seed(db: FakeDatabase, options: SeedOptions): void {
  const make = (model: string, vals: Vals) => db.createOne(model, vals, {});
  for (const [model, spec] of Object.entries(db.models)) {
    make('ir.model', { model, name: spec.description });
  }
  // Before the users: each belongs to the company, which works in SAR.
  const sar = make('res.currency', { name: 'SAR', symbol: 'ر.س' });
  make('res.currency', { name: 'USD', symbol: '$' });
  make('res.currency', { name: 'EUR', symbol: '€', active: false });
  make('res.currency', { name: 'AED', symbol: 'د.إ', active: false });
  // 1 dinar = 1000 fils; inactive until the merchant activates it, as in a fresh Odoo.
  make('res.currency', { name: 'KWD', symbol: 'د.ك', rounding: 0.001, active: false });
  make('res.company', { name: 'My Company', currency_id: sar });
  make('product.pricelist', { name: 'Public Pricelist', currency_id: sar });
  make('decimal.precision', { name: 'Product Price', digits: 2 });
  make('res.users', { name: 'OdooBot', login: '__system__', active: false });
  for (const user of [...options.users].sort((a, b) => a.uid - b.uid)) {
    while (db.rows('res.users').length < user.uid - 1)
      make('res.users', {
        name: 'placeholder',
        login: `placeholder${db.rows('res.users').length}`,
        active: false,
      });
    make('res.users', { name: user.login === 'admin' ? 'Mitchell Admin' : user.login, login: user.login });
  }
  for (const [code, name] of [
    ['SA', 'Saudi Arabia'],
    ['AE', 'United Arab Emirates'],
    ['KW', 'Kuwait'],
    ['BH', 'Bahrain'],
    ['QA', 'Qatar'],
    ['OM', 'Oman'],
    ['EG', 'Egypt'],
    ['JO', 'Jordan'],
    ['US', 'United States'],
    ['GB', 'United Kingdom'],
  ]) {
    make('res.country', { code, name });
  }
  make('product.category', { name: 'All' });
  make('account.tax', {
    name: options.taxPriceInclude ? '15% (included)' : '15%',
    amount: 15,
    amount_type: 'percent',
    type_tax_use: 'sale',
    price_include: options.taxPriceInclude,
  });
  make('account.tax', {
    name: '15% (purchase)',
    amount: 15,
    amount_type: 'percent',
    type_tax_use: 'purchase',
  });
  make('account.journal', { name: 'Customer Invoices', code: 'INV', type: 'sale' });
  make('account.journal', { name: 'Bank', code: 'BNK1', type: 'bank' });
  make('account.journal', { name: 'Cash', code: 'CSH1', type: 'cash' });
  const physical = make('stock.location', {
    name: 'Physical Locations',
    complete_name: 'Physical Locations',
    usage: 'view',
  });
  const view = make('stock.location', {
    name: 'WH',
    complete_name: 'WH',
    usage: 'view',
    location_id: physical,
  });
  const stock = make('stock.location', {
    name: 'Stock',
    complete_name: 'WH/Stock',
    usage: 'internal',
    location_id: view,
  });
  make('stock.location', { name: 'Customers', complete_name: 'Partners/Customers', usage: 'customer' });
  make('stock.location', {
    name: 'Inventory adjustment',
    complete_name: 'Virtual Locations/Inventory adjustment',
    usage: 'inventory',
  });
  make('stock.warehouse', {
    name: 'Main Warehouse',
    code: 'WH',
    lot_stock_id: stock,
    view_location_id: view,
  });
}
