import { Injectable } from '@nestjs/common';

import type { CategoryUpserted, ProductUpserted } from '@app/contracts';

import { BatchBindings, type BatchRecord } from '../bindings/batch-bindings';
import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { WITH_ARCHIVED } from '../odoo-client';
import { hasVariants } from './product-variants';
import { Products, skuOf } from './products';
import type { ApplyResult } from './sync-runner';

const TEMPLATE = 'product.template';
const CATEGORY = 'product.category';

/**
 * Backfill of categories and products in batches (a few Odoo calls per hundred records, see BatchBindings).
 * Results are aligned with the input. Whatever the batch cannot decide safely (a SKU bound elsewhere, twice
 * the same SKU, a claim in progress) goes through the one-at-a-time path of Products, with its messages.
 */
@Injectable()
export class CatalogBatch {
  constructor(
    private readonly batch: BatchBindings,
    private readonly bindings: OdooBindings,
    private readonly products: Products,
  ) {}

  /** Parents first: one level of the tree per round, so a child's `parent_id` is known when it is created. */
  async applyCategories(odoo: StoreOdoo, categories: readonly CategoryUpserted[]): Promise<ApplyResult[]> {
    const results = new Array<ApplyResult>(categories.length);
    const inBatch = new Set(categories.map((c) => c.categoryId));
    const outside = [
      ...new Set(categories.map((c) => c.parentId).filter((p): p is string => !!p && !inBatch.has(p))),
    ];
    const ids = await this.placeholders(odoo, outside);
    let pending = categories.map((c, i) => ({ c, i }));
    while (pending.length > 0) {
      const ready = pending.filter(({ c }) => !c.parentId || ids.has(c.parentId) || !inBatch.has(c.parentId));
      // A cycle in the data: take them anyway, their parent link is written by their own later upsert.
      const round = ready.length > 0 ? ready : pending;
      const outcomes = await this.batch.upsertMany(
        odoo,
        CATEGORY,
        round.map(({ c }) => ({
          target: categoryTarget(c.categoryId),
          vals: { name: c.name, parent_id: (c.parentId && ids.get(c.parentId)) || false },
        })),
        { adoptMany: (records) => this.categoriesByName(odoo, records) },
      );
      for (const [k, { c, i }] of round.entries()) {
        const o = outcomes[k];
        if (o === 'single') {
          results[i] = await this.products.applyCategory(odoo, c);
          const id = await this.bindings.cached(odoo, categoryTarget(c.categoryId));
          if (id) ids.set(c.categoryId, id);
        } else {
          ids.set(c.categoryId, o.id);
          results[i] = {
            outcome: 'ok',
            message: `Category "${c.name}" ${o.created ? 'created' : 'updated'} in Odoo`,
          };
        }
      }
      const done = new Set(round.map(({ i }) => i));
      pending = pending.filter(({ i }) => !done.has(i));
    }
    return results;
  }

  async applyProducts(odoo: StoreOdoo, products: readonly ProductUpserted[]): Promise<ApplyResult[]> {
    const results = new Array<ApplyResult>(products.length);
    const categories = await this.placeholders(odoo, [
      ...new Set(products.map((p) => p.categoryIds[0]).filter((c): c is string => !!c)),
    ]);
    const batched: Array<{ p: ProductUpserted; i: number; record: BatchRecord }> = [];
    const oneByOne: number[] = [];
    const skusSeen = new Set<string>();
    // Read side by side, not one after the other: a round trip each, hundreds per batch.
    const appliedVersions = await Promise.all(
      products.map((p) =>
        this.bindings.applied(odoo, this.bindings.nameOf(odoo.storeId, productTarget(p.productId))),
      ),
    );
    for (const [i, p] of products.entries()) {
      const applied = appliedVersions[i];
      if (p.sourceUpdatedAt && applied && p.sourceUpdatedAt < applied) {
        results[i] = {
          outcome: 'skipped',
          message: 'An older version of the product than the one already synced: ignored',
        };
        continue;
      }
      // Attributes, lines and per-variant SKU locks are several dependent calls per product: a product with
      // variants goes through the single-product path (ProductVariants), one at a time.
      if (hasVariants(p)) {
        oneByOne.push(i);
        continue;
      }
      const sku = skuOf(p);
      // The same SKU twice in one batch: the first decides, the others go through the conflict reporting.
      if (sku && skusSeen.has(sku)) {
        oneByOne.push(i);
        continue;
      }
      if (sku) skusSeen.add(sku);
      const vals = await this.products.templateValsWith(
        odoo,
        p,
        p.categoryIds[0] ? categories.get(p.categoryIds[0]) : undefined,
      );
      batched.push({
        p,
        i,
        record: {
          target: productTarget(p.productId),
          extraTargets: sku ? [{ kind: 'sku', sallaId: sku, model: TEMPLATE }] : [],
          vals,
        },
      });
    }
    const outcomes = await this.batch.upsertMany(
      odoo,
      TEMPLATE,
      batched.map((b) => b.record),
      { adoptMany: (records) => this.templatesByNaturalKey(odoo, records) },
    );
    for (const [k, { p, i }] of batched.entries()) {
      const o = outcomes[k];
      if (o === 'single') {
        oneByOne.push(i);
        continue;
      }
      results[i] = {
        outcome: 'ok',
        message: `Product "${p.name}" ${o.created ? 'created' : 'updated'} in Odoo`,
      };
      await this.bindings.markApplied(
        odoo,
        this.bindings.nameOf(odoo.storeId, productTarget(p.productId)),
        p.sourceUpdatedAt,
      );
    }
    for (const i of oneByOne.sort((a, b) => a - b))
      results[i] = await this.products.applyProduct(odoo, products[i]);
    return results;
  }

  /** Odoo ids of categories referenced but not in the batch: bound ones as they are, others as placeholders. */
  private async placeholders(odoo: StoreOdoo, sallaIds: readonly string[]): Promise<Map<string, number>> {
    const outcomes = await this.batch.upsertMany(
      odoo,
      CATEGORY,
      sallaIds.map((id) => ({ target: categoryTarget(id), vals: { name: `Salla category ${id}` } })),
      { update: false },
    );
    const ids = new Map<string, number>();
    for (const [k, id] of sallaIds.entries()) {
      const o = outcomes[k];
      ids.set(id, o === 'single' ? await this.products.categoryId(odoo, id) : o.id);
    }
    return ids;
  }

  /** Leftovers of a crash between creating the categories and binding them: same name and parent, unbound. */
  private async categoriesByName(
    odoo: StoreOdoo,
    records: readonly BatchRecord[],
  ): Promise<Array<number | null>> {
    const rows = await odoo.client.searchRead<{
      id: number;
      name: string;
      parent_id: [number, string] | false;
    }>(
      CATEGORY,
      [['name', 'in', [...new Set(records.map((r) => String(r.vals.name)))]]],
      ['name', 'parent_id'],
      { order: 'id asc' },
    );
    if (rows.length === 0) return records.map(() => null);
    const bound = await this.boundIds(
      odoo,
      CATEGORY,
      rows.map((r) => r.id),
    );
    const taken = new Set<number>();
    return records.map((r) => {
      const hit = rows.find(
        (row) =>
          !bound.has(row.id) &&
          !taken.has(row.id) &&
          row.name === r.vals.name &&
          (row.parent_id ? row.parent_id[0] : false) === (r.vals.parent_id || false),
      );
      if (hit) taken.add(hit.id);
      return hit?.id ?? null;
    });
  }

  /** The SKU's (then the barcode's) existing template: a crash's leftover or the merchant's own product. */
  private async templatesByNaturalKey(
    odoo: StoreOdoo,
    records: readonly BatchRecord[],
  ): Promise<Array<number | null>> {
    const byField = async (field: 'default_code' | 'barcode'): Promise<Map<string, number>> => {
      const values = [
        ...new Set(records.map((r) => r.vals[field]).filter((v): v is string => typeof v === 'string')),
      ];
      if (values.length === 0) return new Map();
      const rows = await odoo.client.searchRead<
        { id: number; product_tmpl_id: [number, string] | false } & Record<string, unknown>
      >('product.product', [[field, 'in', values]], [field, 'product_tmpl_id'], {
        order: 'id asc',
        context: WITH_ARCHIVED,
      });
      const found = new Map<string, number>();
      for (const row of rows) {
        const key = row[field];
        if (typeof key === 'string' && row.product_tmpl_id && !found.has(key))
          found.set(key, row.product_tmpl_id[0]);
      }
      return found;
    };
    const [bySku, byBarcode] = [await byField('default_code'), await byField('barcode')];
    return records.map((r) => {
      const sku = r.vals.default_code;
      if (typeof sku === 'string') return bySku.get(sku) ?? null;
      const barcode = r.vals.barcode;
      return typeof barcode === 'string' ? (byBarcode.get(barcode) ?? null) : null;
    });
  }

  private async boundIds(odoo: StoreOdoo, model: string, ids: number[]): Promise<Set<number>> {
    const rows = await odoo.client.searchRead<{ id: number; res_id: number | false }>(
      'ir.model.data',
      [
        ['model', '=', model],
        ['res_id', 'in', ids],
      ],
      ['res_id'],
    );
    return new Set(rows.map((r) => r.res_id).filter((id): id is number => !!id));
  }
}

const categoryTarget = (sallaId: string) => ({ kind: 'category' as const, sallaId, model: CATEGORY });
const productTarget = (sallaId: string) => ({ kind: 'product' as const, sallaId, model: TEMPLATE });
