import { FaultQueue } from './faults';
import { LeakyBucket } from './limits/leaky-bucket';
import { PLAN_REQUESTS_PER_MINUTE } from './limits/plan-limits';
import { SeededRandom } from './random';
import type {
  SallaCategory,
  SallaCustomer,
  SallaOrder,
  SallaOrderStatus,
  SallaPaymentMethod,
  SallaPlan,
  SallaProduct,
  SallaShippingCompany,
  SallaSku,
} from './salla-types';

export interface StoreProfile {
  id: string;
  plan: SallaPlan;
  name: string;
  domain: string;
  currency: string;
}

/** An order plus the instants the filters and sorting work on. */
export interface StoredOrder {
  order: SallaOrder;
  createdAt: number;
  updatedAt: number;
}

/** Where a SKU lives: the product, and the variant when the SKU is a variant's. */
export interface StockTarget {
  product: SallaProduct;
  variant?: SallaSku;
}

/** One simulated merchant: its catalogue, orders, rate-limit bucket, counters and queued faults. */
export class StoreState {
  installed = true;
  readonly random: SeededRandom;
  readonly categories = new Map<number, SallaCategory>();
  readonly products = new Map<number, SallaProduct>();
  readonly orders = new Map<number, StoredOrder>();
  readonly customers = new Map<number, SallaCustomer>();
  readonly shippingCompanies = new Map<number, SallaShippingCompany>();
  readonly paymentMethods = new Map<number, SallaPaymentMethod>();
  orderStatuses: SallaOrderStatus[] = [];
  /** Sequences for generated SKUs and order reference numbers (Salla's reference ids grow per store). */
  productSeq = 0;
  nextReferenceId: number;

  readonly faults = new FaultQueue();
  bucket: LeakyBucket;
  /** Arrival instants of every API request attributed to the store (also refused ones). */
  requestTimes: number[] = [];
  rateLimitRejections = 0;
  refreshCount = 0;
  refreshReuseCount = 0;

  private readonly skus = new Map<string, StockTarget>();
  private readonly variants = new Map<number, StockTarget>();

  constructor(
    public profile: StoreProfile,
    now: number,
  ) {
    this.random = new SeededRandom(`store:${profile.id}`);
    this.nextReferenceId = this.random.int(10_000, 90_000);
    this.bucket = new LeakyBucket(PLAN_REQUESTS_PER_MINUTE[profile.plan], now);
  }

  get id(): string {
    return this.profile.id;
  }

  /** Adds or replaces a product; refuses a SKU another product or variant of this store already has. */
  putProduct(product: SallaProduct): void {
    const previous = this.products.get(product.id);
    const listed = [product.sku, ...product.skus.map((v) => v.sku)].filter(Boolean);
    const ownSkus = new Set(listed);
    if (ownSkus.size !== listed.length) {
      throw new Error(`product ${product.id} repeats a SKU among its variants`);
    }
    for (const sku of ownSkus) {
      const holder = this.skus.get(sku);
      if (holder && holder.product.id !== product.id) {
        throw new Error(`SKU "${sku}" already belongs to product ${holder.product.id} of store ${this.id}`);
      }
    }
    if (previous) this.unindex(previous);
    this.products.set(product.id, product);
    if (product.sku) this.skus.set(product.sku, { product });
    for (const variant of product.skus) {
      const target = { product, variant };
      this.variants.set(variant.id, target);
      if (variant.sku) this.skus.set(variant.sku, target);
    }
  }

  bySku(sku: string): StockTarget | undefined {
    return this.skus.get(sku);
  }

  byVariantId(variantId: number): StockTarget | undefined {
    return this.variants.get(variantId);
  }

  /** Sets the stock of a product without variants, or of one variant (the product's total follows). */
  setStock(target: StockTarget, quantity: number): void {
    const value = Math.max(0, Math.trunc(quantity));
    if (target.variant) {
      target.variant.stock_quantity = value;
      target.product.quantity = target.product.skus.reduce((sum, v) => sum + v.stock_quantity, 0);
    } else {
      target.product.quantity = value;
    }
    target.product.is_available = target.product.unlimited_quantity || target.product.quantity > 0;
  }

  stockOf(target: StockTarget): number {
    return target.variant ? target.variant.stock_quantity : target.product.quantity;
  }

  statusBySlug(slug: string): SallaOrderStatus | undefined {
    return this.orderStatuses.find((s) => s.slug === slug);
  }

  statusById(id: number): SallaOrderStatus | undefined {
    return this.orderStatuses.find((s) => s.id === id || s.customized?.id === id);
  }

  private unindex(product: SallaProduct): void {
    if (product.sku) this.skus.delete(product.sku);
    for (const variant of product.skus) {
      this.variants.delete(variant.id);
      if (variant.sku) this.skus.delete(variant.sku);
    }
  }
}
