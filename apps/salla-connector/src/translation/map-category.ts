import type { CategoryUpserted } from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import type { SallaCategory } from './salla-resources';
import { booleanOf, idOf, integerOf, isRecord, textOf, withoutUndefined } from './salla-values';

/** Salla writes a category's visibility as 'active' / 'hidden' (older payloads: a boolean). */
function isActiveOf(status: unknown): boolean | undefined {
  if (typeof status === 'string') {
    const word = status.trim().toLowerCase();
    if (word === 'hidden') return false;
    if (word === 'active') return true;
  }
  return booleanOf(status);
}

/** `catalog.category.upserted.v1` from a Salla category (webhook `category.*` data or `GET /categories`). */
export function mapCategory(c: SallaCategory): CategoryUpserted {
  const categoryId = idOf(c.id);
  const label = ResourceLabel.of('category', categoryId);
  if (categoryId === undefined) throw label.malformed('id', 'is missing');
  const name = textOf(c.name, 256);
  if (name === undefined) throw label.malformed('name', 'is missing');
  const parentId = idOf(c.parent_id);
  return withoutUndefined({
    source: 'salla',
    categoryId,
    name,
    // A category cannot be its own parent; Salla's 0 / absent means top level.
    parentId: parentId === categoryId ? undefined : parentId,
    isActive: isActiveOf(c.status),
    sortOrder: integerOf(c.sort_order),
  });
}

/**
 * The categories of a tree (`GET /categories` nests children under `sub_categories`) as a flat list, every
 * parent before its children, each child's `parent_id` filled from its place in the tree when Salla left it
 * out. Entries that are not category objects (the docs' `["string"]` placeholders) are skipped.
 */
export function flattenCategories(tree: readonly unknown[]): SallaCategory[] {
  const flat: SallaCategory[] = [];
  const visit = (node: unknown, parentId: string | undefined, seen: Set<unknown>): void => {
    if (!isRecord(node) || seen.has(node)) return;
    seen.add(node);
    const category = node as SallaCategory;
    const { sub_categories: children, ...own } = category;
    flat.push(
      idOf(own.parent_id) === undefined && parentId !== undefined ? { ...own, parent_id: parentId } : own,
    );
    const id = idOf(category.id);
    for (const child of Array.isArray(children) ? children : []) visit(child, id, seen);
  };
  const seen = new Set<unknown>();
  for (const node of tree) visit(node, undefined, seen);
  return flat;
}

/** The canonical upserts of a whole category tree, parents first. */
export function mapCategoryTree(tree: readonly unknown[]): CategoryUpserted[] {
  return flattenCategories(tree).map(mapCategory);
}
