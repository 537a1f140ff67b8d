import { type CategoryDeleted, Topic } from '@app/contracts';

import { mapCategory } from '../map-category';
import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaCategory } from '../salla-resources';
import { idOf } from '../salla-values';
import { emission, emitted, syncTranslator, type Translator } from '../translation.types';

/**
 * `category.created` / `category.updated`: data is the whole category. Its sub-categories have events of their
 * own, so only the category itself is emitted (the backfill maps whole trees with `flattenCategories`).
 */
export const categoryUpserted: Translator = syncTranslator((input) =>
  emitted(emission(Topic.CatalogCategoryUpserted, mapCategory(input.data as SallaCategory))),
);

export const categoryDeleted: Translator = syncTranslator((input) => {
  const categoryId = idOf(input.data.id);
  if (categoryId === undefined) throw new MalformedSallaResourceError(input.event, 'data.id', 'is missing');
  const payload: CategoryDeleted = { source: 'salla', categoryId };
  return emitted(emission(Topic.CatalogCategoryDeleted, payload));
});
