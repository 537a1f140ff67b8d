import { type BackfillResource, Topic } from '@app/contracts';

import { type SallaApiClient, SallaApiError } from '../salla-api';
import { StoreNotCallableError } from '../tokens';
import {
  flattenCategories,
  mapCategory,
  mapOrder,
  mapPaymentMethod,
  mapProduct,
  mapShippingCompany,
  type SallaCategory,
  type SallaOrder,
  type SallaPaymentMethod,
  type SallaProduct,
  type SallaShippingCompany,
} from '../translation';

export interface MappedPage {
  payloads: object[];
  /** Items that could not be mapped: reported in the activity log, the run goes on. */
  failures: Array<{ id: string; reason: string }>;
}

export interface SourceContext {
  storeId: string;
  salla: SallaApiClient;
  currency: string;
}

/** How a backfill reads one resource from Salla and which backfill topic it feeds. */
export interface BackfillSource {
  resource: BackfillResource;
  topic: Topic;
  path: string;
  query(ordersSince: Date): Record<string, string>;
  mapPage(items: unknown[], ctx: SourceContext): Promise<MappedPage>;
}

const idOf = (item: unknown): string => {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '?';
};
const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Maps every item with `map`; an item that throws is reported, not fatal. */
async function mapEach<T>(items: unknown[], map: (item: T) => Promise<object> | object): Promise<MappedPage> {
  const page: MappedPage = { payloads: [], failures: [] };
  for (const item of items) {
    try {
      page.payloads.push(await map(item as T));
    } catch (err) {
      // Salla being slow or the store becoming uncallable stops the page (it is retried or the run ends);
      // only a record that cannot be read or mapped is skipped.
      if (err instanceof StoreNotCallableError || (err instanceof SallaApiError && err.transient)) throw err;
      page.failures.push({ id: idOf(item), reason: reasonOf(err) });
    }
  }
  return page;
}

const toSallaDate = (d: Date): string => d.toISOString().slice(0, 10);

/** In reading order: categories before the products that sit in them, orders last. */
export const BACKFILL_SOURCES: Record<BackfillResource, BackfillSource> = {
  categories: {
    resource: 'categories',
    topic: Topic.BackfillCategoryUpserted,
    path: '/categories',
    query: () => ({}),
    // A category page is a tree: sub-categories ride inside their parent.
    mapPage: (items) => mapEach<SallaCategory>(flattenCategories(items), mapCategory),
  },
  products: {
    resource: 'products',
    topic: Topic.BackfillProductUpserted,
    path: '/products',
    query: () => ({}),
    mapPage: (items, ctx) =>
      mapEach<SallaProduct>(items, (p) => mapProduct(p, { fallbackCurrency: ctx.currency })),
  },
  shipping_companies: {
    resource: 'shipping_companies',
    topic: Topic.BackfillShippingMethodUpserted,
    path: '/shipping/companies',
    query: () => ({}),
    mapPage: (items) => mapEach<SallaShippingCompany>(items, mapShippingCompany),
  },
  payment_methods: {
    resource: 'payment_methods',
    topic: Topic.BackfillPaymentMethodUpserted,
    path: '/payment/methods',
    query: () => ({}),
    mapPage: (items) => mapEach<SallaPaymentMethod>(items, mapPaymentMethod),
  },
  orders: {
    resource: 'orders',
    topic: Topic.BackfillOrderUpserted,
    path: '/orders',
    query: (since) => ({ from_date: toSallaDate(since), sort_by: 'created_at-asc' }),
    // The list holds summaries; each order's lines, amounts and customer come from its own detail call.
    mapPage: (items, ctx) =>
      mapEach<{ id: unknown }>(items, async (summary) => {
        const { data } = await ctx.salla.get<SallaOrder>(
          ctx.storeId,
          `/orders/${encodeURIComponent(String(summary.id))}`,
          { priority: 'bulk' },
        );
        return mapOrder(data, { fallbackCurrency: ctx.currency });
      }),
  },
};
