import { Injectable } from '@nestjs/common';

import type { CategoryUpserted, ProductUpserted } from '@app/contracts';

import { type BindingTarget, OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooMissingRecordError, type OdooValues, type ProductKind, WITH_ARCHIVED } from '../odoo-client';
import { ensureAfterRival, hasVariants, ProductVariants } from './product-variants';
import type { ApplyResult } from './sync-runner';

const TEMPLATE = 'product.template';

/**
 * Categories → `product.category` (a missing parent is created first, named after its id until its own
 * event renames it) and products → `product.template`, with the version's product-type fields.
 *
 * SKUs: Odoo accepts duplicate `default_code`, so the connector guards them itself with a second binding per
 * SKU (`sku_<storeId>_<hash>` → the template holding it), taken under the same unique-index lock. A product is
 * matched by its binding, then by SKU (under that lock), then by barcode. A SKU already bound to another
 * Salla product is a conflict: one Odoo product stays, and the second is reported (`binding.sku_conflict`).
 * A product with options becomes a template without a SKU of its own; ProductVariants builds its attributes
 * and gives its variants their SKUs, under the same SKU bindings.
 */
@Injectable()
export class Products {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly variants: ProductVariants,
  ) {}

  async applyCategory(odoo: StoreOdoo, category: CategoryUpserted): Promise<ApplyResult> {
    const parentId = category.parentId ? await this.categoryId(odoo, category.parentId) : false;
    const vals: OdooValues = { name: category.name, parent_id: parentId };
    const bound = await this.bindings.ensure(
      odoo,
      { kind: 'category', sallaId: category.categoryId, model: 'product.category' },
      {
        adopt: () => Promise.resolve(null),
        create: async () => (await odoo.client.create('product.category', [vals]))[0],
      },
    );
    if (!bound.created) await odoo.client.write('product.category', [bound.id], vals);
    return {
      outcome: 'ok',
      message: `Category "${category.name}" ${bound.created ? 'created' : 'updated'} in Odoo`,
    };
  }

  /** The Odoo category for a Salla category id, creating a placeholder when it has not arrived yet. */
  async categoryId(odoo: StoreOdoo, sallaCategoryId: string): Promise<number> {
    const bound = await this.bindings.ensure(
      odoo,
      { kind: 'category', sallaId: sallaCategoryId, model: 'product.category' },
      {
        adopt: () => Promise.resolve(null),
        create: async () =>
          (await odoo.client.create('product.category', [{ name: `Salla category ${sallaCategoryId}` }]))[0],
      },
    );
    return bound.id;
  }

  async applyProduct(odoo: StoreOdoo, product: ProductUpserted): Promise<ApplyResult> {
    const target = { kind: 'product' as const, sallaId: product.productId, model: TEMPLATE };
    const name = this.bindings.nameOf(odoo.storeId, target);
    const applied = await this.bindings.applied(odoo, name);
    if (product.sourceUpdatedAt && applied && product.sourceUpdatedAt < applied) {
      return {
        outcome: 'skipped',
        message: 'An older version of the product than the one already synced: ignored',
      };
    }
    const vals = await this.templateVals(odoo, product);
    if (hasVariants(product)) {
      const result = await this.applyWithVariants(odoo, product, target, vals);
      await this.bindings.markApplied(odoo, name, product.sourceUpdatedAt);
      return result;
    }
    const sku = skuOf(product);
    let result: ApplyResult;
    const existing = await this.bindings.lookup(odoo, target);
    if (existing) {
      await odoo.client.write(TEMPLATE, [existing], vals);
      result = { outcome: 'ok', message: `Product "${product.name}" updated in Odoo` };
    } else if (sku) {
      const lock = await this.bindings.ensure(
        odoo,
        { kind: 'sku', sallaId: sku, model: TEMPLATE },
        {
          adopt: () => this.templateBySku(odoo, sku),
          create: async () => (await odoo.client.create(TEMPLATE, [vals]))[0],
        },
      );
      const rivals = (await this.bindings.ownersOf(odoo, 'product', TEMPLATE, lock.id)).filter(
        (n) => n !== name,
      );
      if (rivals.length > 0) return skuConflict(product, sku);
      await this.bindings.bindExisting(odoo, target, lock.id);
      // Two products racing for one SKU can both get here: the first binding (lowest id) keeps it.
      if (!(await this.winsTie(odoo, name, lock.id))) {
        await this.bindings.unbind(odoo, name);
        return skuConflict(product, sku);
      }
      if (!lock.created) await odoo.client.write(TEMPLATE, [lock.id], vals);
      result = {
        outcome: 'ok',
        message: `Product "${product.name}" ${lock.created ? 'created' : 'linked to the Odoo product with SKU ' + sku} in Odoo`,
      };
    } else {
      const bound = await this.bindings.ensure(odoo, target, {
        // An order for it may have come first and made its line's product (variantForLine): that one, not a twin.
        adopt: async () =>
          (await this.bindings.lookup(odoo, {
            kind: 'line_product',
            sallaId: product.productId,
            model: TEMPLATE,
          })) ?? this.templateByBarcode(odoo, product.barcode),
        create: async () => (await odoo.client.create(TEMPLATE, [vals]))[0],
      });
      if (!bound.created) await odoo.client.write(TEMPLATE, [bound.id], vals);
      result = {
        outcome: 'ok',
        message: `Product "${product.name}" ${bound.created ? 'created' : 'updated'} in Odoo`,
      };
    }
    await this.bindings.markApplied(odoo, name, product.sourceUpdatedAt);
    return result;
  }

  /**
   * The template of a product with options holds no SKU or barcode of its own (its variants do), so it has no
   * natural key when it is created: a crash between its create and its binding leaves it behind unbound.
   */
  private async applyWithVariants(
    odoo: StoreOdoo,
    product: ProductUpserted,
    target: BindingTarget,
    vals: OdooValues,
  ): Promise<ApplyResult> {
    const bound = await ensureAfterRival(this.bindings, odoo, target, {
      adopt: () => Promise.resolve(null),
      create: async () => (await odoo.client.create(TEMPLATE, [vals]))[0],
    });
    if (!bound.created) await odoo.client.write(TEMPLATE, [bound.id], vals);
    return this.variants.apply(odoo, product, bound.id);
  }

  /**
   * The `product.product` for an order line: the bound Salla variant, else (for a variant line) the product with
   * the variant's SKU, else the bound product's first variant, else the SKU's product, else one created from
   * the line (consumable, or service without a SKU) under the SKU lock so a later product upsert adopts it.
   */
  async variantForLine(
    odoo: StoreOdoo,
    line: { productId?: string; variantId?: string; sku?: string; name: string; unitPrice: string },
  ): Promise<number> {
    if (line.variantId) {
      const variant = await this.variantOfLine(odoo, line.variantId, line.sku?.trim());
      if (variant) return variant;
    }
    let templateId: number | null = null;
    if (line.productId) {
      templateId = await this.bindings.lookup(odoo, {
        kind: 'product',
        sallaId: line.productId,
        model: TEMPLATE,
      });
    }
    if (!templateId) {
      const sku = line.sku?.trim();
      const vals: OdooValues = {
        name: line.name,
        list_price: Number(line.unitPrice),
        ...(await odoo.client.productTypeFields(sku ? 'consumable' : 'service')),
        ...(sku ? { default_code: sku } : {}),
      };
      const create = async (): Promise<number> => (await odoo.client.create(TEMPLATE, [vals]))[0];
      const bound = sku
        ? await this.bindings.ensure(
            odoo,
            { kind: 'sku', sallaId: sku, model: TEMPLATE },
            {
              adopt: () => this.templateBySku(odoo, sku),
              create,
            },
          )
        : await this.bindings.ensure(
            odoo,
            { kind: 'line_product', sallaId: line.productId ?? `name:${line.name}`, model: TEMPLATE },
            { adopt: () => Promise.resolve(null), create },
          );
      templateId = bound.id;
    }
    return this.variantOf(odoo, templateId);
  }

  /** A service product for the order's extra lines (shipping, COD fee, discount), made once per store. */
  async serviceProduct(
    odoo: StoreOdoo,
    key: 'shipping' | 'cod' | 'discount',
    label: string,
  ): Promise<number> {
    const bound = await this.bindings.ensure(
      odoo,
      { kind: 'line_product', sallaId: `__${key}`, model: TEMPLATE },
      {
        adopt: () => Promise.resolve(null),
        create: async () =>
          (
            await odoo.client.create(TEMPLATE, [
              {
                name: label,
                list_price: 0,
                sale_ok: true,
                ...(await odoo.client.productTypeFields('service')),
              },
            ])
          )[0],
      },
    );
    return this.variantOf(odoo, bound.id);
  }

  private async variantOfLine(
    odoo: StoreOdoo,
    variantId: string,
    sku: string | undefined,
  ): Promise<number | null> {
    const bound = await this.bindings.lookup(odoo, {
      kind: 'variant',
      sallaId: variantId,
      model: 'product.product',
    });
    if (bound || !sku) return bound;
    const rows = await odoo.client.searchRead<{ id: number }>(
      'product.product',
      [['default_code', '=', sku]],
      ['id'],
      { limit: 1, order: 'active desc, id asc', context: WITH_ARCHIVED },
    );
    return rows[0]?.id ?? null;
  }

  private async variantOf(odoo: StoreOdoo, templateId: number): Promise<number> {
    // Archived ones too: a product hidden in Salla is archived in Odoo with its variants, and its orders still
    // need it (Odoo takes an archived product on an order line written over the API).
    const rows = await odoo.client.searchRead<{ id: number }>(
      'product.product',
      [['product_tmpl_id', '=', templateId]],
      ['id'],
      { limit: 1, order: 'active desc, id asc', context: WITH_ARCHIVED },
    );
    // Deleted in Odoo since it was bound (or its variants were): a missing record, so the sync runner reads the
    // bindings from Odoo again and the product is created anew.
    if (!rows[0])
      throw new OdooMissingRecordError(
        `Odoo product template ${templateId} has no variant (deleted in Odoo?)`,
      );
    return rows[0].id;
  }

  private async templateVals(odoo: StoreOdoo, product: ProductUpserted): Promise<OdooValues> {
    const categId = product.categoryIds[0] ? await this.categoryId(odoo, product.categoryIds[0]) : undefined;
    return this.templateValsWith(odoo, product, categId);
  }

  /** The template's values, with the Odoo category already resolved (the batch resolves them together). */
  async templateValsWith(
    odoo: StoreOdoo,
    product: ProductUpserted,
    categId: number | undefined,
  ): Promise<OdooValues> {
    const kind: ProductKind =
      product.kind === 'physical' ? (product.tracksInventory ? 'storable' : 'consumable') : 'service';
    const vals: OdooValues = {
      name: product.name,
      list_price: Number(product.price),
      active: product.isActive,
      ...(await odoo.client.productTypeFields(kind)),
    };
    // With options, SKUs and barcodes are the variants' (ProductVariants), not the template's.
    const sku = skuOf(product);
    if (sku) vals.default_code = sku;
    const barcode = hasVariants(product)
      ? undefined
      : (product.barcode ?? (product.variants.length === 1 ? product.variants[0].barcode : undefined));
    if (barcode) vals.barcode = barcode;
    if (product.costPrice) vals.standard_price = Number(product.costPrice);
    if (categId) vals.categ_id = categId;
    return vals;
  }

  private async templateBySku(odoo: StoreOdoo, sku: string): Promise<number | null> {
    const rows = await odoo.client.searchRead<{ id: number; product_tmpl_id: [number, string] | false }>(
      'product.product',
      [['default_code', '=', sku]],
      ['product_tmpl_id'],
      // An archived product with the SKU is the same item (and Odoo's barcode check counts archived ones too).
      { limit: 1, order: 'active desc, id asc', context: WITH_ARCHIVED },
    );
    const ref = rows[0]?.product_tmpl_id;
    return ref ? ref[0] : null;
  }

  private async templateByBarcode(odoo: StoreOdoo, barcode: string | undefined): Promise<number | null> {
    if (!barcode) return null;
    const rows = await odoo.client.searchRead<{ id: number; product_tmpl_id: [number, string] | false }>(
      'product.product',
      [['barcode', '=', barcode]],
      ['product_tmpl_id'],
      // Archived too: Odoo refuses a second product with the barcode even when the first is archived.
      { limit: 1, order: 'active desc, id asc', context: WITH_ARCHIVED },
    );
    const ref = rows[0]?.product_tmpl_id;
    return ref ? ref[0] : null;
  }

  private async winsTie(odoo: StoreOdoo, name: string, templateId: number): Promise<boolean> {
    const owners = await this.bindings.ownersOf(odoo, 'product', TEMPLATE, templateId);
    return owners.length === 0 || owners[0] === name;
  }
}

export function skuOf(product: ProductUpserted): string | undefined {
  if (hasVariants(product)) return undefined;
  const sku = product.sku ?? (product.variants.length === 1 ? product.variants[0].sku : undefined);
  return sku?.trim() || undefined;
}

function skuConflict(product: ProductUpserted, sku: string): ApplyResult {
  return {
    outcome: 'failed',
    errorCode: 'binding.sku_conflict',
    message: `Product "${product.name}" was not synced: its SKU ${sku} already belongs to another Salla product linked to Odoo. Give each product its own SKU in Salla.`,
  };
}
