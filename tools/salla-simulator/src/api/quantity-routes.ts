import { paginate, parsePaging } from '../http/paging';
import { resolveBulkLines } from '../quantities/bulk-update';
import type { SallaProductQuantity } from '../salla-types';
import type { ApiRoute } from './route-context';

export const quantityRoutes: ApiRoute[] = [
  {
    method: 'POST',
    template: '/products/quantities/bulk',
    handler: ({ store, body, bulk }) => {
      bulk.enqueue(store, resolveBulkLines(store, body));
      return {
        status: 201,
        data: { message: 'The products quantities will be updated shortly.', code: 201 },
      };
    },
  },
  {
    method: 'GET',
    template: '/products/quantities',
    handler: (ctx) => {
      const rows = [...ctx.store.products.values()].map((p): SallaProductQuantity => ({
        id: p.id,
        name: p.name,
        sku: p.sku,
        quantity: p.quantity,
        unlimited_quantity: p.unlimited_quantity,
        skus: p.skus.map((v) => ({
          id: v.id,
          sku: v.sku,
          barcode: v.barcode,
          stock_quantity: v.stock_quantity,
          unlimited_quantity: v.unlimited_quantity,
        })),
      }));
      return paginate(rows, parsePaging(ctx.query), ctx.url);
    },
  },
];
