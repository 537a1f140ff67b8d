const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Salla's local time for app events: Asia/Riyadh, UTC+03:00 all year (no daylight saving). */
const SALLA_LOCAL_OFFSET_MINUTES = 3 * 60;

/** App events: `2022-12-31 12:31:25` (Riyadh local time, no zone written). */
const APP_FORMAT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Store events, JavaScript's `Date#toString()`: `Sun Jun 26 2022 12:21:48 GMT+0300`, day not always padded
 * (`Wed Jul 7 2021 …`), possibly followed by a zone name in parentheses. The weekday is not checked against the
 * date (it is redundant; the date and offset are what count).
 */
const STORE_FORMAT =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-])(\d{2}):?(\d{2})(?: \([^)]*\))?$/;

/**
 * Not seen from Salla yet, accepted so a format change on their side does not turn signed deliveries into
 * 400s: ISO-8601 with an explicit zone (`2022-06-26T09:21:48Z`, `…+03:00`).
 */
const ISO_FORMAT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Salla's envelope `created_at` in either format (or ISO-8601 with a zone), as ISO-8601 UTC (`2022-06-26T09:21:48.000Z`), or `null` when
 * it is in neither format or names an impossible time (Feb 30, 25:00, offset beyond ±14:00).
 */
export function parseSallaCreatedAt(value: string): string | null {
  const text = value.trim();
  const app = APP_FORMAT.exec(text);
  if (app) {
    const [y, mo, d, h, mi, s] = app.slice(1).map(Number);
    return toUtc(y, mo, d, h, mi, s, SALLA_LOCAL_OFFSET_MINUTES);
  }
  const store = STORE_FORMAT.exec(text);
  if (store) {
    const [, mon, d, y, h, mi, s, sign, oh, om] = store;
    const offset = offsetOf(sign, oh, om);
    if (offset === null) return null;
    return toUtc(Number(y), MONTHS.indexOf(mon) + 1, Number(d), Number(h), Number(mi), Number(s), offset);
  }
  const iso = ISO_FORMAT.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, sign, oh, om] = iso;
    const offset = sign === undefined ? 0 : offsetOf(sign, oh, om);
    if (offset === null) return null;
    return toUtc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), offset);
  }
  return null;
}

/** `+0300` / `-04:30` as minutes east of UTC; `null` beyond ±14:00. */
function offsetOf(sign: string, hours: string, minutes: string): number | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 14 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function toUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): string | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls Feb 30 over into March: a date that does not survive the round trip does not exist.
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return new Date(local - offsetMinutes * 60_000).toISOString();
}
