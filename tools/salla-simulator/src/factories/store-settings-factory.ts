import { ORDER_STATUSES, PAYMENT_METHODS, SHIPPING_COMPANIES } from '../catalogue/word-lists';
import type { SallaOrderStatus, SallaPaymentMethod, SallaShippingCompany } from '../salla-types';
import type { FactoryContext } from './factory-context';

/** Salla's built-in statuses; their ids are per store, so a connector must look them up, not hard-code them. */
export function buildOrderStatuses(ctx: FactoryContext): SallaOrderStatus[] {
  return ORDER_STATUSES.map(({ slug, name }) => {
    const id = ctx.ids.take(ctx.store.random);
    return { id, name, slug, customized: { id, name } };
  });
}

/** The next `n` shipping companies of the catalogue list (cycled, numbered once it repeats). */
export function buildShippingCompany(ctx: FactoryContext, index: number): SallaShippingCompany {
  const base = SHIPPING_COMPANIES[index % SHIPPING_COMPANIES.length];
  const round = Math.floor(index / SHIPPING_COMPANIES.length);
  const suffix = round === 0 ? '' : ` ${round + 1}`;
  return {
    id: ctx.ids.take(ctx.store.random),
    name: `${base.name}${suffix}`,
    slug: `${base.slug}${round === 0 ? '' : `-${round + 1}`}`,
    logo: `https://cdn.salla.sa/shipping/${base.slug}.png`,
    app_id: base.activation === 'api' ? String(ctx.store.random.int(100_000_000, 999_999_999)) : null,
    activation_type: base.activation,
    status: true,
  };
}

export function buildPaymentMethod(ctx: FactoryContext, index: number): SallaPaymentMethod {
  const base = PAYMENT_METHODS[index % PAYMENT_METHODS.length];
  return {
    id: ctx.ids.take(ctx.store.random),
    name: base.name,
    slug: base.slug,
    logo: `https://cdn.salla.sa/payments/${base.slug}.png`,
    status: true,
  };
}
