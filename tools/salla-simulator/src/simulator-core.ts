import { TokenRegistry } from './auth/token-registry';
import { buildCategory } from './factories/category-factory';
import type { FactoryContext } from './factories/factory-context';
import { buildOrder, type OrderInput } from './factories/order-factory';
import { buildProduct, type ProductInput } from './factories/product-factory';
import {
  buildOrderStatuses,
  buildPaymentMethod,
  buildShippingCompany,
} from './factories/store-settings-factory';
import type { ResolvedOptions } from './options';
import { IdAllocator } from './random';
import type { SimulatorCall } from './recording';
import type { SallaCategory, SallaOrder, SallaPlan, SallaProduct, StoreId } from './salla-types';
import { StoreState } from './store-state';
import { PAYMENT_METHODS, SHIPPING_COMPANIES } from './catalogue/word-lists';
import { LeakyBucket } from './limits/leaky-bucket';
import { PLAN_REQUESTS_PER_MINUTE } from './limits/plan-limits';

export interface AddStoreInput {
  id: StoreId;
  plan: SallaPlan;
  name?: string;
  domain?: string;
  currency?: string;
}

export interface AddOrderOptions {
  /** Take the ordered quantities from stock, as placing an order on Salla does (default true). */
  decrementStock?: boolean;
}

/** The simulator's state and the operations on it, shared by the HTTP routes and the test-facing API. */
export class SimulatorCore {
  readonly stores = new Map<string, StoreState>();
  readonly ids = new IdAllocator();
  readonly tokens: TokenRegistry;
  readonly calls: SimulatorCall[] = [];

  constructor(readonly options: ResolvedOptions) {
    this.tokens = new TokenRegistry({
      now: () => this.now(),
      scope: options.scope,
      refreshTokenTtlSec: options.refreshTokenTtlSec,
      revokeAccessTokenOnRefresh: options.revokeAccessTokenOnRefresh,
    });
  }

  now(): number {
    return this.options.clock.now();
  }

  addStore(input: AddStoreInput): StoreState {
    const id = String(input.id);
    if (this.stores.has(id)) throw new Error(`store ${id} already exists`);
    if (!(input.plan in PLAN_REQUESTS_PER_MINUTE)) throw new Error(`unknown plan "${input.plan}"`);
    const store = new StoreState(
      {
        id,
        plan: input.plan,
        name: input.name ?? `متجر ${id}`,
        domain: input.domain ?? `https://salla.sa/store-${id}`,
        currency: input.currency ?? 'SAR',
      },
      this.now(),
    );
    this.stores.set(id, store);
    store.orderStatuses = buildOrderStatuses(this.context(store));
    return store;
  }

  store(storeId: StoreId): StoreState {
    const store = this.stores.get(String(storeId));
    if (!store) throw new Error(`unknown store ${String(storeId)}: addStore first`);
    return store;
  }

  /** A plan change takes effect at once, with an empty bucket of the new size. */
  setPlan(storeId: StoreId, plan: SallaPlan): void {
    const store = this.store(storeId);
    store.profile.plan = plan;
    store.bucket = new LeakyBucket(PLAN_REQUESTS_PER_MINUTE[plan], this.now());
  }

  context(store: StoreState): FactoryContext {
    return { store, ids: this.ids, now: this.now() };
  }

  seedCategories(storeId: StoreId, n: number): SallaCategory[] {
    const store = this.store(storeId);
    return times(n, () => this.addCategoryTo(store, {}));
  }

  addCategory(storeId: StoreId, input: Partial<SallaCategory> = {}): SallaCategory {
    return this.addCategoryTo(this.store(storeId), input);
  }

  seedProducts(storeId: StoreId, n: number, variantsPerProduct = 0): SallaProduct[] {
    const store = this.store(storeId);
    return times(n, () =>
      this.putProduct(store, buildProduct(this.context(store), {}, { variants: variantsPerProduct })),
    );
  }

  addProduct(storeId: StoreId, input: ProductInput = {}, variants = 0): SallaProduct {
    const store = this.store(storeId);
    if (input.id !== undefined && !store.products.has(input.id) && !this.ids.claim(input.id)) {
      throw new Error(`id ${input.id} is already used by another resource`);
    }
    return this.putProduct(store, buildProduct(this.context(store), input, { variants }));
  }

  seedShippingCompanies(storeId: StoreId, n: number = SHIPPING_COMPANIES.length) {
    const store = this.store(storeId);
    return times(n, () => {
      const company = buildShippingCompany(this.context(store), store.shippingCompanies.size);
      store.shippingCompanies.set(company.id, company);
      return company;
    });
  }

  seedPaymentMethods(storeId: StoreId, n: number = PAYMENT_METHODS.length) {
    const store = this.store(storeId);
    if (store.paymentMethods.size + n > PAYMENT_METHODS.length) {
      throw new Error(`at most ${PAYMENT_METHODS.length} payment methods per store`);
    }
    return times(n, () => {
      const method = buildPaymentMethod(this.context(store), store.paymentMethods.size);
      store.paymentMethods.set(method.id, method);
      return method;
    });
  }

  /**
   * `n` past orders spread evenly (with jitter) from `from` (default 30 days ago) to now, oldest first.
   * They describe history, so stock is left as seeded. Ships with seeded companies and pays with seeded methods,
   * seeding Salla's defaults first when the store has none.
   */
  seedOrders(storeId: StoreId, n: number, from?: Date): SallaOrder[] {
    const store = this.store(storeId);
    if (store.shippingCompanies.size === 0) this.seedShippingCompanies(storeId);
    if (store.paymentMethods.size === 0) this.seedPaymentMethods(storeId);
    const end = this.now();
    const start = from ? from.getTime() : end - 30 * 24 * 3600 * 1000;
    if (start > end) throw new Error('seedOrders: from is in the future');
    const step = n > 0 ? (end - start) / n : 0;
    return times(n, (i) => {
      const createdAt = Math.floor(start + step * i + store.random.next() * step * 0.9);
      return this.addOrderTo(store, { createdAt }, { decrementStock: false });
    });
  }

  addOrder(storeId: StoreId, input: OrderInput = {}, options: AddOrderOptions = {}): SallaOrder {
    return this.addOrderTo(this.store(storeId), input, options);
  }

  private addOrderTo(store: StoreState, input: OrderInput, options: AddOrderOptions): SallaOrder {
    if (input.id !== undefined && !this.ids.claim(input.id)) {
      throw new Error(`id ${input.id} is already used by another resource`);
    }
    const built = buildOrder(this.context(store), input);
    if (store.orders.has(built.order.id)) throw new Error(`order ${built.order.id} already exists`);
    if (options.decrementStock ?? true) {
      for (const { target, quantity } of built.lines) {
        if (!target.product.unlimited_quantity) store.setStock(target, store.stockOf(target) - quantity);
      }
    }
    store.customers.set(built.order.customer.id, built.order.customer);
    store.orders.set(built.order.id, {
      order: built.order,
      createdAt: built.createdAt,
      updatedAt: built.createdAt,
    });
    return built.order;
  }

  private addCategoryTo(store: StoreState, input: Partial<SallaCategory>): SallaCategory {
    if (input.id !== undefined && !this.ids.claim(input.id)) {
      throw new Error(`id ${input.id} is already used by another resource`);
    }
    const category = buildCategory(this.context(store), input);
    store.categories.set(category.id, category);
    return category;
  }

  private putProduct(store: StoreState, product: SallaProduct): SallaProduct {
    store.putProduct(product);
    return product;
  }
}

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
