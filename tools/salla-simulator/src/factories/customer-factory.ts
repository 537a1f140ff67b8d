import { CITIES, FIRST_NAMES, LAST_NAMES } from '../catalogue/word-lists';
import { sallaDate } from '../salla-dates';
import type { DeepPartial, SallaCustomer } from '../salla-types';
import { storeUrls, type FactoryContext } from './factory-context';

const FEMALE = new Set<string>(['سارة', 'نورة', 'ريم', 'لمى', 'هند']);

/** A customer as `GET /customers/{id}` (and an order's `customer`) returns it. */
export function buildCustomer(ctx: FactoryContext, input: DeepPartial<SallaCustomer> = {}): SallaCustomer {
  const { store } = ctx;
  const id = input.id ?? ctx.ids.take(store.random);
  const first = input.first_name ?? store.random.pick(FIRST_NAMES);
  const mobile = input.mobile ?? 500_000_000 + store.random.int(0, 99_999_999);
  return {
    mobile_code: '+966',
    avatar: 'https://cdn.assets.salla.network/admin/cp/assets/images/avatar_male.jpeg',
    gender: FEMALE.has(first) ? 'female' : 'male',
    birthday: null,
    city: store.random.pick(CITIES),
    country: 'السعودية',
    country_code: 'SA',
    currency: store.profile.currency,
    location: '',
    groups: [],
    ...(input as Partial<SallaCustomer>),
    id,
    first_name: first,
    last_name: input.last_name ?? store.random.pick(LAST_NAMES),
    mobile,
    email: input.email ?? `customer${id}@example.test`,
    urls: storeUrls(ctx, 'profile', `customers/${id}`),
    updated_at: sallaDate(ctx.now),
  };
}
