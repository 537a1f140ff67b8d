import { CATEGORY_NAMES } from '../catalogue/word-lists';
import type { DeepPartial, SallaCategory } from '../salla-types';
import { storeUrls, type FactoryContext } from './factory-context';

/** A category; about one in four seeded ones is a child of an earlier top-level category. */
export function buildCategory(ctx: FactoryContext, input: DeepPartial<SallaCategory> = {}): SallaCategory {
  const { store } = ctx;
  const index = store.categories.size;
  const round = Math.floor(index / CATEGORY_NAMES.length);
  const baseName = CATEGORY_NAMES[index % CATEGORY_NAMES.length];
  const roots = [...store.categories.values()].filter((c) => c.parent_id === 0);
  const parent = roots.length > 0 && store.random.chance(0.25) ? store.random.pick(roots) : undefined;
  const id = input.id ?? ctx.ids.take(store.random);
  return {
    image: null,
    parent_id: parent?.id ?? 0,
    sort_order: index + 1,
    status: 'active',
    ...(input as Partial<SallaCategory>),
    id,
    name: input.name ?? (round === 0 ? baseName : `${baseName} ${round + 1}`),
    urls: storeUrls(ctx, `category/c${id}`, `categories/${id}`),
    sub_categories: [],
  };
}

/** How a category appears inside a product or a parent's `sub_categories`: without its own children. */
export function categoryRef(category: SallaCategory): SallaCategory {
  return { ...category, sub_categories: [] };
}
