import { odooErrors } from './fake-odoo-error';
import type { Ctx, FakeDatabase, FieldSpec, ModelSpec, Rec } from './fake-database';
import type { FakeOdooStyle } from './models';

/*
 * Product attributes and variants the way Odoo's `product` module keeps them: an attribute line of a template
 * lists attribute values; each listed value gets a `product.template.attribute.value` (PTAV, carrying the
 * `price_extra`), and the template's `product.product` rows are the combinations of its lines' active PTAVs,
 * created, reactivated, deleted or archived by Odoo itself whenever the lines change (`_create_variant_ids`).
 */

const ATTRIBUTE = 'product.attribute';
const VALUE = 'product.attribute.value';
const LINE = 'product.template.attribute.line';
const PTAV = 'product.template.attribute.value';
const PRODUCT = 'product.product';

const m2o = (relation: string, required = false): FieldSpec => ({ type: 'many2one', relation, required });
const related = (compute: (db: FakeDatabase, r: Rec) => unknown, relation: string): FieldSpec => ({
  type: 'many2one',
  relation,
  compute,
});

/**
 * A named SQL constraint's violation as the RPC layer answers it: its message, which 17+ prefix with
 * "The operation cannot be completed: " (odoo.service.model._as_validation_error).
 */
const constraintError = (style: FakeOdooStyle, message: string) =>
  odooErrors.validation(style === '19' ? `The operation cannot be completed: ${message}` : message);

const nameOf = (db: FakeDatabase, model: string, id: unknown): string => {
  const record = typeof id === 'number' ? db.get(model, id) : undefined;
  return record ? db.displayName(model, record) : '';
};

function attribute(style: FakeOdooStyle): ModelSpec {
  const displayTypes = ['radio', 'pills', 'select', 'color', ...(style === '19' ? ['multi'] : [])];
  return {
    description: 'Product Attribute',
    order: 'sequence, id',
    fields: {
      name: { type: 'char', required: true },
      sequence: { type: 'integer', default: 20 },
      create_variant: { type: 'selection', options: ['always', 'dynamic', 'no_variant'], default: 'always' },
      display_type: { type: 'selection', options: displayTypes, default: 'radio' },
      value_ids: { type: 'one2many', relation: VALUE, inverse: 'attribute_id' },
      attribute_line_ids: { type: 'one2many', relation: LINE, inverse: 'attribute_id' },
    },
    prepare: (db, vals, _ctx, existing) => {
      // product.attribute.write: the mode decides which variants exist, so it is frozen once in use.
      if (existing && vals.create_variant !== undefined && vals.create_variant !== existing.create_variant) {
        const used = db.where(LINE, 'attribute_id', existing.id);
        if (used.length > 0) {
          const products = used.map((l) => nameOf(db, 'product.template', l.product_tmpl_id)).join(', ');
          throw odooErrors.user(
            `You cannot change the Variants Creation Mode of the attribute ${String(existing.name)} because it is used on the following products:\n${products}`,
          );
        }
      }
      return vals;
    },
  };
}

function attributeValue(style: FakeOdooStyle): ModelSpec {
  return {
    description: 'Attribute Value',
    order: 'attribute_id, sequence, id',
    fields: {
      name: { type: 'char', required: true },
      attribute_id: m2o(ATTRIBUTE, true),
      sequence: { type: 'integer', default: 10 },
      is_custom: { type: 'boolean' },
      html_color: { type: 'char' },
      // 17+: the extra a value brings when it is added to a template.
      ...(style === '19' ? { default_extra_price: { type: 'float' } } : {}),
    },
    displayName: (db, v) => `${nameOf(db, ATTRIBUTE, v.attribute_id)}: ${String(v.name)}`,
    check: (db, ids) => {
      // _sql_constraints value_company_uniq unique (name, attribute_id): Odoo answers the constraint's message.
      for (const value of db.browse(VALUE, ids)) {
        const twin = db
          .rows(VALUE)
          .find((v) => v.id !== value.id && v.attribute_id === value.attribute_id && v.name === value.name);
        if (twin)
          throw constraintError(
            style,
            'You cannot create two values with the same name for the same attribute.',
          );
      }
    },
  };
}

function attributeLine(): ModelSpec {
  return {
    description: 'Product Template Attribute Line',
    order: 'attribute_id, id',
    fields: {
      active: { type: 'boolean', default: true },
      product_tmpl_id: m2o('product.template', true),
      attribute_id: m2o(ATTRIBUTE, true),
      value_ids: { type: 'many2many', relation: VALUE },
      product_template_value_ids: { type: 'one2many', relation: PTAV, inverse: 'attribute_line_id' },
      value_count: {
        type: 'integer',
        compute: (_db, l) => ((l.value_ids as number[] | undefined) ?? []).length,
      },
    },
    displayName: (db, l) => nameOf(db, ATTRIBUTE, l.attribute_id),
    prepare: (_db, vals, _ctx, existing) => {
      if (existing && vals.attribute_id !== undefined && vals.attribute_id !== existing.attribute_id)
        throw odooErrors.user('You cannot change the attribute of the line.');
      return vals;
    },
    // Runs after every create and write of lines, like Odoo's constraint, then its _update_product_template_attribute_values.
    check: (db, ids) => {
      const lines = db.browse(LINE, ids);
      for (const line of lines) {
        const values = db.browse(VALUE, (line.value_ids as number[] | undefined) ?? []);
        const template = nameOf(db, 'product.template', line.product_tmpl_id);
        const attr = nameOf(db, ATTRIBUTE, line.attribute_id);
        if (line.active !== false && values.length === 0)
          throw odooErrors.validation(
            `The attribute ${attr} must have at least one value for the product ${template}.`,
          );
        const stranger = values.find((v) => v.attribute_id !== line.attribute_id);
        if (stranger)
          throw odooErrors.validation(
            `On the product ${template} you cannot associate the value ${String(stranger.name)} with the attribute ${attr} because they do not match.`,
          );
      }
      for (const templateId of new Set(lines.map((l) => l.product_tmpl_id as number)))
        syncTemplateVariants(db, templateId, {});
    },
  };
}

function templateAttributeValue(style: FakeOdooStyle): ModelSpec {
  const lineOf = (db: FakeDatabase, ptav: Rec) => db.get(LINE, ptav.attribute_line_id as number);
  return {
    description: 'Product Template Attribute Value',
    fields: {
      ptav_active: { type: 'boolean', default: true },
      product_attribute_value_id: m2o(VALUE, true),
      attribute_line_id: m2o(LINE, true),
      price_extra: { type: 'float' },
      // Stored related fields in Odoo: readable and searchable.
      product_tmpl_id: related((db, p) => lineOf(db, p)?.product_tmpl_id ?? false, 'product.template'),
      attribute_id: related((db, p) => lineOf(db, p)?.attribute_id ?? false, ATTRIBUTE),
      name: {
        type: 'char',
        compute: (db, p) => db.get(VALUE, p.product_attribute_value_id as number)?.name ?? false,
      },
    },
    displayName: (db, p) =>
      `${nameOf(db, ATTRIBUTE, lineOf(db, p)?.attribute_id)}: ${String(db.get(VALUE, p.product_attribute_value_id as number)?.name)}`,
    check: (db, ids) => {
      // _sql_constraints attribute_value_unique unique (attribute_line_id, product_attribute_value_id)
      for (const ptav of db.browse(PTAV, ids)) {
        const twin = db
          .rows(PTAV)
          .find(
            (p) =>
              p.id !== ptav.id &&
              p.attribute_line_id === ptav.attribute_line_id &&
              p.product_attribute_value_id === ptav.product_attribute_value_id,
          );
        if (twin)
          throw constraintError(style, 'Each value should be defined only once per attribute per product.');
      }
    },
  };
}

/** The models, to spread into the fake's model registry. */
export function productAttributeModels(style: FakeOdooStyle): Record<string, ModelSpec> {
  return {
    [ATTRIBUTE]: attribute(style),
    [VALUE]: attributeValue(style),
    [LINE]: attributeLine(),
    [PTAV]: templateAttributeValue(style),
  };
}

/** product.product fields that depend on the variant's PTAVs. */
export function variantAttributeFields(): Record<string, FieldSpec> {
  const priceExtra = (db: FakeDatabase, p: Rec): number =>
    ((p.product_template_attribute_value_ids as number[] | undefined) ?? [])
      .map((id) => (db.get(PTAV, id)?.price_extra as number | undefined) ?? 0)
      .reduce((sum, extra) => sum + extra, 0);
  return {
    product_template_attribute_value_ids: { type: 'many2many', relation: PTAV },
    price_extra: { type: 'float', compute: priceExtra },
    // Sales price of the variant: the template's price plus its values' extras.
    lst_price: {
      type: 'float',
      compute: (db, p) => (db.value(PRODUCT, p, 'list_price') as number) + priceExtra(db, p),
    },
    combination_indices: { type: 'char', compute: (_db, p) => combinationKey(p) },
  };
}

const combinationKey = (variant: Rec): string =>
  [...((variant.product_template_attribute_value_ids as number[] | undefined) ?? [])]
    .sort((a, b) => a - b)
    .join(',');

/** The template's variants, archived ones too, without copying the whole product table (backfills are big). */
function variantsOfTemplate(db: FakeDatabase, templateId: number): Rec[] {
  const template = db.get('product.template', templateId);
  if (!template) return [];
  return (db.value('product.template', template, 'product_variant_ids') as number[]).map((id) =>
    db.get(PRODUCT, id)!,
  );
}

/** UNIQUE INDEX product_product_combination_unique (product_tmpl_id, combination_indices) WHERE active. */
export function checkVariantCombinations(db: FakeDatabase, ids: number[]): void {
  for (const variant of db.browse(PRODUCT, ids)) {
    if (variant.active === false) continue;
    const key = combinationKey(variant);
    const twin = variantsOfTemplate(db, variant.product_tmpl_id as number).find(
      (p) => p.id !== variant.id && p.active !== false && combinationKey(p) === key,
    );
    if (twin)
      throw odooErrors.uniqueViolation(
        'product_product_combination_unique',
        'product_tmpl_id, combination_indices',
        `${String(variant.product_tmpl_id)}, ${key}`,
      );
  }
}

/**
 * Odoo's `_create_variant_ids` for one template: PTAVs follow the lines' values, then one active variant per
 * combination of the `always` lines' active PTAVs (a template without such lines has one, without values).
 * Variants no longer wanted are deleted, or archived when something refers to them (`_unlink_or_archive`).
 * Returns the template's active variants.
 */
export function syncTemplateVariants(db: FakeDatabase, templateId: number, ctx: Ctx): number[] {
  const lines = db
    .where(LINE, 'product_tmpl_id', templateId)
    .filter((l) => l.active !== false)
    .sort((a, b) => a.id - b.id);
  for (const line of lines) syncLineValues(db, line, ctx);
  const modeOf = (line: Rec) => db.get(ATTRIBUTE, line.attribute_id as number)?.create_variant;
  if (lines.some((l) => modeOf(l) === 'dynamic')) return []; // variants are made when ordered
  const activePtavs = (line: Rec) =>
    db
      .rows(PTAV)
      .filter((p) => p.attribute_line_id === line.id && p.ptav_active !== false)
      .map((p) => p.id);
  const variantLines = lines.filter((l) => modeOf(l) === 'always').map(activePtavs);
  const all = variantsOfTemplate(db, templateId).sort(
    (a, b) => Number(b.active !== false) - Number(a.active !== false) || b.id - a.id,
  );

  // Adding a line with a single value keeps the existing variants: the value is written on each of them.
  const single = variantLines.filter((ptavs) => ptavs.length === 1).flat();
  if (single.length > 0) {
    for (const variant of all) {
      const current = (variant.product_template_attribute_value_ids as number[] | undefined) ?? [];
      const combination = [...new Set([...current, ...single])];
      if (combination.length === variantLines.length && combination.length !== current.length)
        db.write(PRODUCT, [variant.id], { product_template_attribute_value_ids: [[6, 0, combination]] }, ctx);
    }
  }

  const existing = new Map<string, Rec>();
  for (const variant of all)
    if (!existing.has(combinationKey(variant))) existing.set(combinationKey(variant), variant);
  const combinations = variantLines.reduce<number[][]>(
    (acc, ptavs) => acc.flatMap((combo) => ptavs.map((ptav) => [...combo, ptav])),
    [[]],
  );
  const kept = new Set<number>();
  for (const combo of combinations) {
    const found = existing.get(combinationKey({ id: 0, product_template_attribute_value_ids: combo }));
    if (found) {
      kept.add(found.id);
      if (found.active === false) db.write(PRODUCT, [found.id], { active: true }, ctx);
    } else
      kept.add(
        db.createOne(
          PRODUCT,
          { product_tmpl_id: templateId, product_template_attribute_value_ids: combo },
          ctx,
        ),
      );
  }
  for (const variant of all.filter((p) => !kept.has(p.id) && db.get(PRODUCT, p.id)))
    if (isReferenced(db, variant.id)) {
      if (variant.active !== false) db.write(PRODUCT, [variant.id], { active: false }, ctx);
    } else db.unlink(PRODUCT, [variant.id]);
  return [...kept];
}

/** One PTAV per value of the line; a value taken off the line keeps its PTAV, inactive (orders refer to it). */
function syncLineValues(db: FakeDatabase, line: Rec, ctx: Ctx): void {
  const values = (line.value_ids as number[] | undefined) ?? [];
  const ptavs = [...db.where(PTAV, 'attribute_line_id', line.id)];
  for (const value of values) {
    const ptav = ptavs.find((p) => p.product_attribute_value_id === value);
    if (!ptav) db.createOne(PTAV, { attribute_line_id: line.id, product_attribute_value_id: value }, ctx);
    else if (ptav.ptav_active === false) db.write(PTAV, [ptav.id], { ptav_active: true }, ctx);
  }
  for (const ptav of ptavs)
    if (!values.includes(ptav.product_attribute_value_id as number) && ptav.ptav_active !== false)
      db.write(PTAV, [ptav.id], { ptav_active: false }, ctx);
}

/** Whether any record (order line, quant, move...) points at the variant, so Odoo could not delete it. */
function isReferenced(db: FakeDatabase, productId: number): boolean {
  return Object.entries(db.models).some(
    ([model, spec]) =>
      model !== PRODUCT &&
      Object.entries(spec.fields).some(
        ([field, f]) =>
          f.type === 'many2one' &&
          f.relation === PRODUCT &&
          !f.compute &&
          db.where(model, field, productId).length > 0,
      ),
  );
}
