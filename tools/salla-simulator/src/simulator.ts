import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IssuedTokens } from './auth/token-registry';
import type { FailureSpec } from './faults';
import type { OrderInput } from './factories/order-factory';
import type { ProductInput } from './factories/product-factory';
import { API_BASE, createRequestListener, OAUTH_BASE, type ServerControls } from './http/server';
import { maxInSlidingWindow } from './limits/request-window';
import { ACCESS_TOKEN_TTL_SEC, resolveOptions, type SallaSimulatorOptions } from './options';
import { BulkQueue } from './quantities/bulk-queue';
import type { SimulatorCall } from './recording';
import type {
  SallaCategory,
  SallaOrder,
  SallaPaymentMethod,
  SallaPlan,
  SallaProduct,
  SallaShippingCompany,
  StoreId,
} from './salla-types';
import { SimulatorCore, type AddOrderOptions, type AddStoreInput } from './simulator-core';

/** Names one stock-holding item: a product without variants, a variant, or either by SKU. */
export type StockRef = { sku: string } | { productId: number } | { variantId: number };

export interface SallaSimulator {
  /** `http://127.0.0.1:<port>/admin/v2` — use as the Merchant API base URL. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:<port>/oauth2` — use as SALLA_OAUTH_URL. */
  readonly oauthUrl: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;

  addStore(input: AddStoreInput): void;
  setPlan(storeId: StoreId, plan: SallaPlan): void;
  seedCategories(storeId: StoreId, n: number): SallaCategory[];
  seedProducts(storeId: StoreId, n: number, options?: { variantsPerProduct?: number }): SallaProduct[];
  seedShippingCompanies(storeId: StoreId, n?: number): SallaShippingCompany[];
  seedPaymentMethods(storeId: StoreId, n?: number): SallaPaymentMethod[];
  seedOrders(storeId: StoreId, n: number, options?: { from?: Date }): SallaOrder[];
  addCategory(storeId: StoreId, input?: Partial<SallaCategory>): SallaCategory;
  addProduct(storeId: StoreId, input?: ProductInput, options?: { variants?: number }): SallaProduct;
  addOrder(storeId: StoreId, input?: OrderInput, options?: AddOrderOptions): SallaOrder;

  product(storeId: StoreId, productId: number): SallaProduct | undefined;
  order(storeId: StoreId, orderId: number): SallaOrder | undefined;
  /** Stock of a product without variants or of one variant; undefined when nothing matches. */
  quantityOf(storeId: StoreId, ref: StockRef): number | undefined;
  /** The order's status slug (e.g. `completed`); undefined for an unknown order. */
  orderStatus(storeId: StoreId, orderId: number): string | undefined;

  /** Tokens as the `app.store.authorize` webhook carries them; (re)installs the store. */
  issueTokens(storeId: StoreId, options?: { expiresInSec?: number }): IssuedTokens;
  /** An authorization code for `grant_type=authorization_code` (single use, ten minutes). */
  issueCode(storeId: StoreId): string;
  /** Successful refresh-token exchanges. */
  refreshCount(storeId: StoreId): number;
  /** Refresh tokens presented a second time (each revoked the whole store). */
  refreshReuseCount(storeId: StoreId): number;

  rateLimitRejections(storeId: StoreId): number;
  /** Most API requests of the store (refused ones included) within any window of `windowMs`. */
  maxRequestsInWindow(storeId: StoreId, windowMs?: number): number;

  failNext(storeId: StoreId, spec: FailureSpec): void;
  /** Every later answer (API and OAuth) waits this many real milliseconds; 0 turns it off. */
  latency(ms: number): void;
  /** The store's next `count` API calls are never answered. */
  timeoutNext(storeId: StoreId, count?: number): void;
  revokeTokens(storeId: StoreId): void;
  /** As after `app.uninstalled`: tokens revoked, API calls answer 401 until tokens are issued again. */
  uninstall(storeId: StoreId): void;
  /** Applies queued bulk quantity updates now (with `bulkApplyDelayMs`). */
  flushBulkQuantities(): void;
  readonly pendingBulkUpdates: number;

  readonly calls: SimulatorCall[];
  callsFor(storeId: StoreId): SimulatorCall[];
  /** Forgets recorded calls, counters, queued faults and rate-limit state; catalogue and tokens stay. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSallaSimulator(options: SallaSimulatorOptions = {}): Promise<SallaSimulator> {
  const settings = resolveOptions(options);
  const core = new SimulatorCore(settings);
  const bulk = new BulkQueue(settings.bulkApplyDelayMs);
  const controls: ServerControls = { latencyMs: 0, held: new Set<ServerResponse>() };
  const server = createServer(createRequestListener(core, bulk, controls));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${settings.host}:${port}`;
  const store = (id: StoreId) => core.store(id);

  return {
    apiUrl: `${base}${API_BASE}`,
    oauthUrl: `${base}${OAUTH_BASE}`,
    port,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,

    addStore: (input) => void core.addStore(input),
    setPlan: (id, plan) => core.setPlan(id, plan),
    seedCategories: (id, n) => core.seedCategories(id, n),
    seedProducts: (id, n, opts) => core.seedProducts(id, n, opts?.variantsPerProduct ?? 0),
    seedShippingCompanies: (id, n) => core.seedShippingCompanies(id, n),
    seedPaymentMethods: (id, n) => core.seedPaymentMethods(id, n),
    seedOrders: (id, n, opts) => core.seedOrders(id, n, opts?.from),
    addCategory: (id, input) => core.addCategory(id, input),
    addProduct: (id, input, opts) => core.addProduct(id, input, opts?.variants ?? 0),
    addOrder: (id, input, opts) => core.addOrder(id, input, opts),

    product: (id, productId) => store(id).products.get(productId),
    order: (id, orderId) => store(id).orders.get(orderId)?.order,
    quantityOf: (id, ref) => {
      const s = store(id);
      const target =
        'sku' in ref
          ? s.bySku(ref.sku)
          : 'variantId' in ref
            ? s.byVariantId(ref.variantId)
            : s.products.has(ref.productId)
              ? { product: s.products.get(ref.productId) as SallaProduct }
              : undefined;
      return target ? s.stockOf(target) : undefined;
    },
    orderStatus: (id, orderId) => store(id).orders.get(orderId)?.order.status.slug,

    issueTokens: (id, opts) => {
      const s = store(id);
      s.installed = true;
      return core.tokens.issue(s.id, opts?.expiresInSec ?? ACCESS_TOKEN_TTL_SEC);
    },
    issueCode: (id) => core.tokens.issueCode(store(id).id),
    refreshCount: (id) => store(id).refreshCount,
    refreshReuseCount: (id) => store(id).refreshReuseCount,

    rateLimitRejections: (id) => store(id).rateLimitRejections,
    maxRequestsInWindow: (id, windowMs = 60_000) =>
      maxInSlidingWindow(
        [...store(id).requestTimes].sort((a, b) => a - b),
        windowMs,
      ),

    failNext: (id, spec) => store(id).faults.addFailures(spec),
    latency: (ms) => {
      controls.latencyMs = Math.max(0, ms);
    },
    timeoutNext: (id, count = 1) => store(id).faults.addTimeouts(count),
    revokeTokens: (id) => core.tokens.revokeStore(store(id).id),
    uninstall: (id) => {
      const s = store(id);
      s.installed = false;
      core.tokens.revokeStore(s.id);
    },
    flushBulkQuantities: () => bulk.flush(),
    get pendingBulkUpdates() {
      return bulk.size;
    },

    calls: core.calls,
    callsFor: (id) => core.calls.filter((c) => c.storeId === String(id)),
    reset: () => {
      core.calls.length = 0;
      for (const s of core.stores.values()) {
        s.requestTimes = [];
        s.rateLimitRejections = 0;
        s.refreshCount = 0;
        s.refreshReuseCount = 0;
        s.faults.clear();
        s.bucket.reset(core.now());
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        bulk.clear();
        for (const res of controls.held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
