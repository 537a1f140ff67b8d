import { setTimeout as sleep } from 'node:timers/promises';

import { Injectable } from '@nestjs/common';

import type { ProductUpserted, ProductVariant } from '@app/contracts';

import {
  BindingBusyError,
  type BindingTarget,
  type Bound,
  type EnsureSteps,
  OdooBindings,
  type StoreOdoo,
} from '../bindings/odoo-bindings';
import { type OdooDomain, OdooValidationError, type OdooValues, WITH_ARCHIVED } from '../odoo-client';
import { priceExtras } from './product-variant-prices';
import type { ApplyResult } from './sync-runner';

const TEMPLATE = 'product.template';
const PRODUCT = 'product.product';
const ATTRIBUTE = 'product.attribute';
const VALUE = 'product.attribute.value';
const LINE = 'product.template.attribute.line';
const PTAV = 'product.template.attribute.value';

type Ref = [number, string] | false;

/**
 * `bindings.ensure`, waiting a little when another delivery of the same product holds the claim: its holder
 * needs one or two Odoo calls, and a product with variants passes many claims, so failing the whole attempt
 * each time would spend the event's retries on waiting.
 */
export async function ensureAfterRival(
  bindings: OdooBindings,
  odoo: StoreOdoo,
  target: BindingTarget,
  steps: EnsureSteps,
): Promise<Bound> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bindings.ensure(odoo, target, steps);
    } catch (err) {
      if (!(err instanceof BindingBusyError) || attempt >= 8) throw err;
      await sleep(100 * attempt);
    }
  }
}

/** A product that Odoo must hold as attribute lines and one `product.product` per combination. */
export function hasVariants(product: ProductUpserted): boolean {
  return product.options.length > 0 && product.variants.length > 0;
}

/**
 * Salla options and variants → Odoo attributes, attribute values, the template's attribute lines, and the
 * variants Odoo derives from them. Attributes (by name), values (by attribute + name) and lines (by template +
 * attribute) are each bound claim-first, so concurrent deliveries of one product add each of them once; a line
 * is only ever extended (values taken off in Salla stay in Odoo, where orders may refer to their variants).
 *
 * Each Salla variant is then bound (`variant_<storeId>_<variantId>`) to the `product.product` whose attribute
 * values match its options, and given its SKU — under the same per-SKU lock as products, so a SKU that belongs
 * to another Odoo product is reported, never given twice — and its barcode.
 */
@Injectable()
export class ProductVariants {
  constructor(private readonly bindings: OdooBindings) {}

  async apply(odoo: StoreOdoo, product: ProductUpserted, templateId: number): Promise<ApplyResult> {
    const valueIds = new Map<string, number>();
    for (const option of product.options) {
      const attributeId = await this.attributeId(odoo, option.name);
      const ids: number[] = [];
      for (const value of option.values) {
        const id = await this.valueId(odoo, attributeId, value.name);
        valueIds.set(optionKey(option.name, value.name), id);
        ids.push(id);
      }
      if (ids.length > 0) await this.extendLine(odoo, templateId, attributeId, [...new Set(ids)]);
    }

    const ptavs = await odoo.client.searchRead<{ id: number; product_attribute_value_id: Ref }>(
      PTAV,
      [
        ['product_tmpl_id', '=', templateId],
        ['ptav_active', '=', true],
      ],
      ['product_attribute_value_id', 'price_extra'],
    );
    const ptavOfValue = new Map(
      ptavs.flatMap((p) => (p.product_attribute_value_id ? [[p.product_attribute_value_id[0], p.id]] : [])),
    );
    const problems: Problem[] = [];
    const matched: Array<{ variant: ProductVariant; ptavIds: number[] }> = [];
    for (const variant of product.variants) {
      const ptavIds = variant.options.map((o) =>
        ptavOfValue.get(valueIds.get(optionKey(o.option, o.value)) ?? 0),
      );
      if (ptavIds.length === 0 || ptavIds.some((id) => id === undefined))
        problems.push({
          code: 'product.variant_options',
          text: `variant ${label(variant)} names option values the product does not have`,
        });
      else matched.push({ variant, ptavIds: ptavIds as number[] });
    }

    const priceNote = await this.applyPrices(odoo, product, ptavs, matched);
    const products = await this.variantsByCombination(odoo, templateId);
    for (const { variant, ptavIds } of matched) {
      const row = products.get(combinationKey(ptavIds));
      if (!row) {
        problems.push({
          code: 'product.variant_missing',
          text: `Odoo has no variant for ${label(variant)}`,
        });
        continue;
      }
      problems.push(...(await this.applyVariant(odoo, templateId, variant, row)));
    }
    return summary(product, matched.length, priceNote, problems);
  }

  private async attributeId(odoo: StoreOdoo, name: string): Promise<number> {
    const bound = await ensureAfterRival(
      this.bindings,
      odoo,
      { kind: 'attribute', sallaId: name, model: ATTRIBUTE },
      {
        // A merchant's attribute of the same name that makes no variants cannot carry Salla's variants.
        adopt: () =>
          this.firstId(odoo, ATTRIBUTE, [
            ['name', '=', name],
            ['create_variant', '=', 'always'],
          ]),
        create: async () => (await odoo.client.create(ATTRIBUTE, [{ name, create_variant: 'always' }]))[0],
      },
    );
    return bound.id;
  }

  private async valueId(odoo: StoreOdoo, attributeId: number, name: string): Promise<number> {
    const bound = await ensureAfterRival(
      this.bindings,
      odoo,
      { kind: 'attribute_value', sallaId: `${attributeId}:${name}`, model: VALUE },
      {
        adopt: () =>
          this.firstId(odoo, VALUE, [
            ['attribute_id', '=', attributeId],
            ['name', '=', name],
          ]),
        create: async () => (await odoo.client.create(VALUE, [{ name, attribute_id: attributeId }]))[0],
      },
    );
    return bound.id;
  }

  /** The template's line for the attribute, created with the values or extended by the missing ones. */
  private async extendLine(
    odoo: StoreOdoo,
    templateId: number,
    attributeId: number,
    valueIds: number[],
  ): Promise<void> {
    const find = () =>
      this.firstId(odoo, LINE, [
        ['product_tmpl_id', '=', templateId],
        ['attribute_id', '=', attributeId],
      ]);
    const bound = await ensureAfterRival(
      this.bindings,
      odoo,
      { kind: 'attribute_line', sallaId: `${templateId}_${attributeId}`, model: LINE },
      {
        adopt: find,
        create: async () => {
          await odoo.client.write(TEMPLATE, [templateId], {
            attribute_line_ids: [[0, 0, { attribute_id: attributeId, value_ids: [[6, 0, valueIds]] }]],
          });
          const id = await find();
          if (!id) throw new Error(`Odoo did not keep the attribute line of template ${templateId}`);
          return id;
        },
      },
    );
    if (bound.created) return;
    const [line] = await odoo.client.searchRead<{ id: number; value_ids: number[] }>(
      LINE,
      [['id', '=', bound.id]],
      ['value_ids'],
    );
    const missing = valueIds.filter((id) => !line?.value_ids.includes(id));
    // [4, id] adds without replacing: a concurrent delivery's additions are kept.
    if (missing.length > 0)
      await odoo.client.write(TEMPLATE, [templateId], {
        attribute_line_ids: [[1, bound.id, { value_ids: missing.map((id) => [4, id]) }]],
      });
  }

  /** Extras that make each variant's Odoo price Salla's, or all back to 0 (and a note) when none can. */
  private async applyPrices(
    odoo: StoreOdoo,
    product: ProductUpserted,
    ptavs: ReadonlyArray<{ id: number; price_extra?: unknown }>,
    matched: ReadonlyArray<{ variant: ProductVariant; ptavIds: number[] }>,
  ): Promise<string | undefined> {
    const extras = priceExtras(
      product.price,
      matched.map(({ variant, ptavIds }) => ({ price: variant.price, valueIds: ptavIds })),
    );
    const byAmount = new Map<number, number[]>();
    for (const ptav of ptavs) {
      const wanted = extras?.get(ptav.id) ?? 0;
      if (Math.abs(Number(ptav.price_extra ?? 0) - wanted) < 1e-6) continue;
      byAmount.set(wanted, [...(byAmount.get(wanted) ?? []), ptav.id]);
    }
    for (const [amount, ids] of byAmount) await odoo.client.write(PTAV, ids, { price_extra: amount });
    if (extras) return undefined;
    return `its variants' prices (${[...new Set(matched.map((m) => m.variant.price))].join(', ')} ${product.currency}) differ per combination in a way Odoo's per-option price extras cannot express, so every variant keeps the product price ${product.price} in Odoo`;
  }

  private async variantsByCombination(odoo: StoreOdoo, templateId: number): Promise<Map<string, VariantRow>> {
    const rows = await odoo.client.searchRead<VariantRow>(
      PRODUCT,
      [['product_tmpl_id', '=', templateId]],
      ['product_template_attribute_value_ids', 'default_code', 'barcode'],
      // A product hidden in Salla has its template and variants archived; its next change still finds them.
      { order: 'id asc', context: WITH_ARCHIVED },
    );
    return new Map(rows.map((r) => [combinationKey(r.product_template_attribute_value_ids), r]));
  }

  private async applyVariant(
    odoo: StoreOdoo,
    templateId: number,
    variant: ProductVariant,
    row: VariantRow,
  ): Promise<Problem[]> {
    const target = { kind: 'variant' as const, sallaId: variant.variantId, model: PRODUCT };
    const bound = await this.bindings.lookup(odoo, target);
    if (bound !== row.id) {
      // Its options changed in Salla: it is now the variant of the new combination.
      if (bound) await this.bindings.unbind(odoo, this.bindings.nameOf(odoo.storeId, target));
      await this.bindings.bindExisting(odoo, target, row.id);
    }
    const vals: OdooValues = {};
    const problems: Problem[] = [];
    const sku = variant.sku?.trim();
    if (sku && row.default_code !== sku) {
      if (await this.ownsSku(odoo, sku, templateId, row.id)) vals.default_code = sku;
      else
        problems.push({
          code: 'binding.sku_conflict',
          text: `variant ${label(variant)} was not given its SKU ${sku}: it already belongs to another Odoo product. Give each variant its own SKU in Salla`,
        });
    }
    const barcode = variant.barcode?.trim();
    if (barcode && row.barcode !== barcode) vals.barcode = barcode;
    if (Object.keys(vals).length === 0) return problems;
    try {
      await odoo.client.write(PRODUCT, [row.id], vals);
    } catch (err) {
      // Odoo refuses a barcode another product has (archived ones too): the SKU is still worth writing.
      if (!(err instanceof OdooValidationError) || !vals.barcode) throw err;
      delete vals.barcode;
      if (vals.default_code) await odoo.client.write(PRODUCT, [row.id], vals);
      problems.push({
        code: 'binding.barcode_conflict',
        text: `variant ${label(variant)} was not given its barcode ${barcode}: Odoo says ${err.merchantMessage}`,
      });
    }
    return problems;
  }

  /**
   * Whether the SKU may go on this variant: its lock (the same `sku_` binding as products') points at this
   * template, and no other active Odoo product carries it (e.g. a sibling variant).
   */
  private async ownsSku(
    odoo: StoreOdoo,
    sku: string,
    templateId: number,
    productId: number,
  ): Promise<boolean> {
    const lock = await ensureAfterRival(
      this.bindings,
      odoo,
      { kind: 'sku', sallaId: sku, model: TEMPLATE },
      {
        adopt: async () => {
          const rows = await odoo.client.searchRead<{ id: number; product_tmpl_id: Ref }>(
            PRODUCT,
            [['default_code', '=', sku]],
            ['product_tmpl_id'],
            { limit: 1, order: 'id asc' },
          );
          const ref = rows[0]?.product_tmpl_id;
          return ref ? ref[0] : null;
        },
        create: () => Promise.resolve(templateId),
      },
    );
    if (lock.id !== templateId) return false;
    const holders = await this.firstId(odoo, PRODUCT, [
      ['default_code', '=', sku],
      ['id', '!=', productId],
    ]);
    return holders === null;
  }

  private async firstId(odoo: StoreOdoo, model: string, domain: OdooDomain): Promise<number | null> {
    const rows = await odoo.client.searchRead<{ id: number }>(model, domain, ['id'], {
      limit: 1,
      order: 'id asc',
    });
    return rows[0]?.id ?? null;
  }
}

interface VariantRow {
  id: number;
  product_template_attribute_value_ids: number[];
  default_code: string | false;
  barcode: string | false;
  [field: string]: unknown;
}

interface Problem {
  code: string;
  text: string;
}

const optionKey = (option: string, value: string): string => `${option}\u0000${value}`;
const combinationKey = (ids: readonly number[]): string => [...ids].sort((a, b) => a - b).join(',');
const label = (v: ProductVariant): string =>
  `${v.options.map((o) => `${o.option} ${o.value}`).join(' / ')} (${v.sku ?? v.variantId})`;

function summary(
  product: ProductUpserted,
  variants: number,
  priceNote: string | undefined,
  problems: readonly Problem[],
): ApplyResult {
  const synced = `Product "${product.name}" synced to Odoo with ${variants} variant${variants === 1 ? '' : 's'}`;
  if (problems.length === 0)
    return { outcome: 'ok', message: priceNote ? `${synced}; ${priceNote}.` : `${synced}.` };
  return {
    outcome: 'failed',
    errorCode: problems[0].code,
    message: `${synced}, except: ${problems.map((p) => p.text).join('; ')}.${priceNote ? ` Also, ${priceNote}.` : ''}`,
  };
}
