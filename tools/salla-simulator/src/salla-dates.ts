/**
 * Salla writes times in Asia/Riyadh (UTC+3, no daylight saving) as `{date: "2022-06-26 12:21:45.000000",
 * timezone_type: 3, timezone: "Asia/Riyadh"}`, and plain timestamps as "2023-04-17 12:14:21".
 */
const RIYADH_OFFSET_MS = 3 * 3600 * 1000;

export interface SallaDate {
  date: string;
  timezone_type: number;
  timezone: string;
}

export function riyadhTimestamp(epochMs: number): string {
  return new Date(epochMs + RIYADH_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function sallaDate(epochMs: number): SallaDate {
  return { date: `${riyadhTimestamp(epochMs)}.000000`, timezone_type: 3, timezone: 'Asia/Riyadh' };
}

/**
 * Parses an order filter (`from_date` / `to_date`): `YYYY-MM-DD` or `YYYY-MM-DD HH:mm[:ss]`, Riyadh time.
 * A bare `to_date` day includes that whole day. Undefined when the text is not a date.
 */
export function parseRiyadhDate(text: string, bound: 'from' | 'to'): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (Number.isNaN(utc)) return undefined;
  const start = utc - RIYADH_OFFSET_MS;
  if (bound === 'to' && h === undefined) return start + 24 * 3600 * 1000 - 1;
  if (bound === 'to' && s === undefined) return start + 59_999;
  if (bound === 'to') return start + 999;
  return start;
}
