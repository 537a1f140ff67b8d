import { orderSummary } from '../factories/order-factory';
import { notFound, validationError } from '../http/envelope';
import { paginate, parsePaging } from '../http/paging';
import { parseRiyadhDate, sallaDate } from '../salla-dates';
import type { StoredOrder } from '../store-state';
import { numericParam, objectBody, type ApiRoute, type RouteContext } from './route-context';

const SORT_KEYS: Record<string, (o: StoredOrder) => number> = {
  created_at: (o) => o.createdAt,
  updated_at: (o) => o.updatedAt,
  total: (o) => o.order.amounts.total.amount,
  id: (o) => o.order.id,
};

export const orderRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/orders/statuses',
    handler: ({ store }) => ({ data: store.orderStatuses }),
  },
  {
    method: 'GET',
    template: '/orders',
    handler: (ctx) => {
      const orders = sortOrders(ctx, filterOrders(ctx));
      const page = paginate(orders, parsePaging(ctx.query), ctx.url);
      return { ...page, data: page.data.map((o) => orderSummary(o.order)) };
    },
  },
  {
    method: 'GET',
    template: '/orders/:id',
    handler: (ctx) => ({ data: findOrder(ctx).order }),
  },
  {
    method: 'POST',
    template: '/orders/:id/status',
    handler: (ctx) => {
      const stored = findOrder(ctx);
      const body = objectBody(ctx);
      const status =
        body.slug !== undefined
          ? ctx.store.statusBySlug(typeof body.slug === 'string' ? body.slug : '')
          : body.status_id !== undefined
            ? ctx.store.statusById(Number(body.status_id))
            : undefined;
      if (!status) {
        const field = body.slug !== undefined || body.status_id === undefined ? 'slug' : 'status_id';
        const message =
          body.slug === undefined && body.status_id === undefined
            ? 'The slug field is required when status id is not present.'
            : `The selected ${field.replace('_', ' ')} is invalid.`;
        throw validationError({ [field]: [message] });
      }
      const now = ctx.core.now();
      stored.order.status = { ...status };
      stored.order.is_pending_payment = status.slug === 'payment_pending';
      stored.order.updated_at = sallaDate(now);
      stored.updatedAt = now;
      return { status: 201, data: { message: 'تم تحديث حالة الطلب بنجاح', code: 201 } };
    },
  },
];

function findOrder(ctx: RouteContext): StoredOrder {
  const id = numericParam(ctx, 'id');
  const stored = id === undefined ? undefined : ctx.store.orders.get(id);
  if (!stored) throw notFound('order');
  return stored;
}

/** `from_date` / `to_date` bound the creation date (Riyadh time); `status[]` takes status ids or slugs. */
function filterOrders(ctx: RouteContext): StoredOrder[] {
  const { query } = ctx;
  const fields: Record<string, string[]> = {};
  const bound = (name: 'from_date' | 'to_date'): number | undefined => {
    const text = query.get(name);
    if (text === null || text === '') return undefined;
    const value = parseRiyadhDate(text, name === 'from_date' ? 'from' : 'to');
    if (value === undefined) fields[name] = [`The ${name.replace('_', ' ')} is not a valid date.`];
    return value;
  };
  const from = bound('from_date');
  const to = bound('to_date');
  if (Object.keys(fields).length > 0) throw validationError(fields);
  const statuses = [...query.getAll('status[]'), ...query.getAll('status')];
  const reference = query.get('reference_id');
  return [...ctx.store.orders.values()].filter(
    (o) =>
      (from === undefined || o.createdAt >= from) &&
      (to === undefined || o.createdAt <= to) &&
      (statuses.length === 0 ||
        statuses.some((s) => s === o.order.status.slug || s === String(o.order.status.id))) &&
      (!reference || String(o.order.reference_id) === reference),
  );
}

/** `sort_by=<created_at|updated_at|total|id>-<asc|desc>`; newest first by default. */
function sortOrders(ctx: RouteContext, orders: StoredOrder[]): StoredOrder[] {
  const sortBy = ctx.query.get('sort_by') || 'created_at-desc';
  const match = /^([a-z_]+)-(asc|desc)$/.exec(sortBy);
  const key = match ? SORT_KEYS[match[1]] : undefined;
  if (!match || !key) throw validationError({ sort_by: ['The selected sort by is invalid.'] });
  const sign = match[2] === 'asc' ? 1 : -1;
  return orders.sort((a, b) => sign * (key(a) - key(b) || a.order.id - b.order.id));
}
