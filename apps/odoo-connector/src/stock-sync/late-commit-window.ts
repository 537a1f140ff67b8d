import { fromOdooDatetime, toOdooDatetime } from '../odoo-client';
import type { WriteDateCursor } from './write-date-cursor';

/**
 * How far behind its cursor each poll reads again. Odoo stamps `write_date` with its transaction's start, so a
 * transaction that commits after a poll (a large delivery validation, an inventory import) leaves rows older
 * than the cursor that poll moved on to: read only from the cursor, they would never be seen.
 */
export const LATE_COMMIT_WINDOW_S = 300;

/** Most rows remembered as handled per store and cursor (a few per quant written in the window). */
const MAX_REMEMBERED = 20_000;

/** A row as read: its id, `write_date`, and what changes when it is written (quantities, state). */
export interface WindowRow {
  id: number;
  writeDate: string;
  version?: string;
}

/** The `write_date` the window before `at` starts at. */
const windowStart = (at: string): string =>
  toOdooDatetime(fromOdooDatetime(at) - LATE_COMMIT_WINDOW_S * 1000);
const keyOf = (row: WindowRow): string => `${row.writeDate}|${row.id}|${row.version ?? ''}`;

/**
 * The rows of the window already handled, as (write_date, id, version): a row read again from before the
 * newest one handled is skipped unless it was written since. Re-handling would not be harmless for quants: a
 * product's quantity re-sent while Salla has just sold some (the order not in Odoo yet) would offer those
 * units again. Rows of the newest handled second and later are always handled, as before the window: what was
 * already sent is recognised downstream (stock ledger, delivered orders).
 */
export class LateCommitWindow {
  private readonly handled: Set<string>;
  /** Rows before this `write_date` were handled if remembered; null: none handled yet, all are new. */
  private readonly handledUpTo: string | null;
  /** A state from before the window: rows before its cursor all count as handled. */
  private readonly legacy: boolean;

  /**
   * `remembered`: as stored by `remembered()`, or null when never stored (a state from before the window: rows
   * before its cursor count as handled, as they were then).
   */
  constructor(remembered: readonly string[] | null | undefined, cursorAt: string | null) {
    this.handled = new Set(remembered ?? []);
    const newest = [...this.handled].sort().at(-1);
    this.handledUpTo = remembered == null ? cursorAt : newest ? newest.slice(0, 19) : null;
    this.legacy = remembered == null;
  }

  /** Where a pass starts: the window before the cursor, unless it continues a pass the page bound cut short. */
  static start(cursor: WriteDateCursor): WriteDateCursor {
    if (cursor.at === null || cursor.afterId !== null) return cursor;
    return { at: windowStart(cursor.at), afterId: null };
  }

  /** The rows not handled yet, which are then remembered as handled. */
  fresh<T extends WindowRow>(rows: readonly T[]): T[] {
    const upTo = this.handledUpTo;
    const isNew = (row: T) =>
      upTo === null || row.writeDate >= upTo || (!this.legacy && !this.handled.has(keyOf(row)));
    const fresh = rows.filter(isNew);
    for (const row of rows) this.handled.add(keyOf(row));
    return fresh;
  }

  /** What to store with the cursor: the rows handled inside its window, the newest kept. */
  remembered(cursorAt: string | null): string[] {
    if (cursorAt === null) return [];
    const from = windowStart(cursorAt);
    return [...this.handled]
      .filter((key) => key >= from)
      .sort()
      .slice(-MAX_REMEMBERED);
  }
}

/** The later of two cursor positions' `at` (Odoo datetime texts order as text). */
export const laterAt = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : a > b ? a : b;
