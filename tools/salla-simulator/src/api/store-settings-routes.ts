import { notFound } from '../http/envelope';
import { paginate, parsePaging } from '../http/paging';
import { numericParam, type ApiRoute } from './route-context';

/** Shipping companies, payment methods and customers: what orders refer to. */
export const storeSettingsRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/shipping/companies',
    handler: (ctx) => paginate([...ctx.store.shippingCompanies.values()], parsePaging(ctx.query), ctx.url),
  },
  {
    method: 'GET',
    template: '/shipping/companies/:id',
    handler: (ctx) => {
      const id = numericParam(ctx, 'id');
      const company = id === undefined ? undefined : ctx.store.shippingCompanies.get(id);
      if (!company) throw notFound('shipping company');
      return { data: company };
    },
  },
  {
    method: 'GET',
    template: '/payment/methods',
    handler: ({ store }) => ({ data: [...store.paymentMethods.values()] }),
  },
  {
    method: 'GET',
    template: '/customers/:id',
    handler: (ctx) => {
      const id = numericParam(ctx, 'id');
      const customer = id === undefined ? undefined : ctx.store.customers.get(id);
      if (!customer) throw notFound('customer');
      return { data: customer };
    },
  },
];
