import { categoryRef } from '../factories/category-factory';
import { notFound } from '../http/envelope';
import { paginate, parsePaging } from '../http/paging';
import type { SallaCategory } from '../salla-types';
import { numericParam, type ApiRoute } from './route-context';

/**
 * Products are listed in full (with `skus` and `options`), in the order they were added. Categories are
 * listed flat (children too, each once), with each category's direct children repeated in `sub_categories`.
 */
export const catalogueRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/products/sku/:sku',
    handler: ({ store, params }) => {
      const target = store.bySku(params.sku);
      if (!target) throw notFound('product');
      return { data: target.product };
    },
  },
  {
    method: 'GET',
    template: '/products',
    handler: (ctx) => {
      const status = ctx.query.get('status');
      const category = ctx.query.get('category');
      const products = [...ctx.store.products.values()].filter(
        (p) =>
          (!status || p.status === status) &&
          (!category || p.categories.some((c) => String(c.id) === category)),
      );
      return paginate(products, parsePaging(ctx.query), ctx.url);
    },
  },
  {
    method: 'GET',
    template: '/products/:id',
    handler: (ctx) => {
      const id = numericParam(ctx, 'id');
      const product = id === undefined ? undefined : ctx.store.products.get(id);
      if (!product) throw notFound('product');
      return { data: product };
    },
  },
  {
    method: 'GET',
    template: '/categories',
    handler: (ctx) => {
      const all = [...ctx.store.categories.values()];
      const withChildren = all.map((c): SallaCategory => ({
        ...c,
        sub_categories: all.filter((child) => child.parent_id === c.id).map(categoryRef),
      }));
      return paginate(withChildren, parsePaging(ctx.query), ctx.url);
    },
  },
  {
    method: 'GET',
    template: '/categories/:id',
    handler: (ctx) => {
      const id = numericParam(ctx, 'id');
      const category = id === undefined ? undefined : ctx.store.categories.get(id);
      if (!category) throw notFound('category');
      const children = [...ctx.store.categories.values()].filter((c) => c.parent_id === category.id);
      return { data: { ...category, sub_categories: children.map(categoryRef) } };
    },
  },
];
