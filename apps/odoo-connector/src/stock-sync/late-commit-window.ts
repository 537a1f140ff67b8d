import type { WriteDateCursor } from './write-date-cursor';

/**
 * How far behind its cursor each poll reads again. Odoo stamps `write_date` with its transaction's start, so a
 * transaction that commits after a poll (a large delivery validation, an inventory import) leaves rows older
 * than the cursor that poll moved on to: read only from the cursor, they would never be seen.
 */
export const LATE_COMMIT_WINDOW_S = 300;

/** Most rows remembered as handled per store and cursor (a few per quant written in the window). */
const MAX_REMEMBERED = 20_000;

const toMillis = (odooDate: string): number => Date.parse(`${odooDate.replace(' ', 'T')}Z`);
const toOdoo = (millis: number): string => new Date(millis).toISOString().slice(0, 19).replace('T', ' ');
const keyOf = (row: { id: number; writeDate: string }): string => `${row.writeDate}|${row.id}`;

/**
 * The rows of the window already handled, as (write_date, id): a row read again from before the cursor is
 * skipped unless it was written since. Re-handling would not be harmless for quants: a product's quantity
 * re-sent while Salla has just sold some (the order not in Odoo yet) would offer those units again. Rows of the
 * cursor's own second and later are always handled, as before the window: a row written twice within one
 * second keeps its (write_date, id), and what was already sent is recognised downstream (stock ledger,
 * delivered orders).
 */
export class LateCommitWindow {
  private readonly handled: Set<string>;

  /** `remembered`: as stored by `remembered()`; `cursorAt`: the stored cursor the pass starts from. */
  constructor(
    remembered: readonly string[] | null | undefined,
    private readonly cursorAt: string | null,
  ) {
    this.handled = new Set(remembered ?? []);
  }

  /** Where a pass starts: the window before the cursor, unless it continues a pass the page bound cut short. */
  static start(cursor: WriteDateCursor): WriteDateCursor {
    if (cursor.at === null || cursor.afterId !== null) return cursor;
    return { at: toOdoo(toMillis(cursor.at) - LATE_COMMIT_WINDOW_S * 1000), afterId: null };
  }

  /** The rows not handled yet, which are then remembered as handled. */
  fresh<T extends { id: number; writeDate: string }>(rows: readonly T[]): T[] {
    const before = (row: T) => this.cursorAt !== null && row.writeDate < this.cursorAt;
    const fresh = rows.filter((row) => !before(row) || !this.handled.has(keyOf(row)));
    for (const row of fresh) this.handled.add(keyOf(row));
    return fresh;
  }

  /** What to store with the cursor: the handled rows still inside its window, newest kept first. */
  remembered(cursorAt: string | null): string[] {
    if (cursorAt === null) return [];
    const from = toOdoo(toMillis(cursorAt) - LATE_COMMIT_WINDOW_S * 1000);
    return [...this.handled]
      .filter((key) => key >= from)
      .sort()
      .slice(-MAX_REMEMBERED);
  }
}

/** The later of two cursor positions' `at` (Odoo datetime texts order as text). */
export const laterAt = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a > b ? a : b;
