import type { OdooDomain } from '../odoo-client';

/**
 * A position in a `write_date`-ordered read: `at` is an Odoo datetime text (whole seconds, UTC); `afterId`
 * is set only to continue a pass that the page bound cut short (see StockSyncStateDoc).
 */
export interface WriteDateCursor {
  at: string | null;
  afterId: number | null;
}

export const START: WriteDateCursor = { at: null, afterId: null };

/** The domain terms reading from `cursor` on: `write_date >= at` (the boundary second again), or after (at, id). */
export function fromCursor(cursor: WriteDateCursor): OdooDomain {
  if (cursor.at === null) return [];
  if (cursor.afterId === null) return [['write_date', '>=', cursor.at]];
  return [
    '|',
    ['write_date', '>', cursor.at],
    '&',
    ['write_date', '=', cursor.at],
    ['id', '>', cursor.afterId],
  ];
}

export const WRITE_DATE_ORDER = 'write_date asc, id asc';
