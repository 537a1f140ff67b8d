import { isRecord } from './salla-values';

/*
 * Times inside Salla's `data`, converted once to ISO-8601 UTC ('…Z'). Salla writes them as:
 *  - PHP objects `{date: "2022-06-26 12:21:45.000000", timezone_type: 3, timezone: "Asia/Riyadh"}`;
 *  - zone-less local text `"2023-04-17 12:14:21"` or a bare day `"2023-07-27"` (Riyadh time);
 *  - ISO-8601 with a zone `"2021-10-09T21:00:00.000000Z"` (subscriptions);
 *  - unix seconds (token expiry).
 * The envelope's `created_at` is parsed by the gateway (`createdAtUtc` on the raw-intake topic), not here.
 */

/** Asia/Riyadh is UTC+03:00 all year (no daylight saving): Salla's local time. */
const RIYADH_OFFSET_MINUTES = 180;

const LOCAL_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const ZONED_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
}

function wallTimeOf(parts: Array<string | undefined>, fraction?: string): WallTime {
  const [y, mo, d, h, mi, s] = parts;
  return {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    millis: fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
}

/** Milliseconds of the wall time read as if it were UTC; undefined for impossible dates (Feb 30, 25:00). */
function wallMillis(t: WallTime): number | undefined {
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.hour > 23 || t.minute > 59 || t.second > 59) {
    return undefined;
  }
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millis);
  const check = new Date(ms);
  return check.getUTCDate() === t.day && check.getUTCMonth() === t.month - 1 ? ms : undefined;
}

function offsetOfText(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > 14 * 60 ? undefined : (match[1] === '-' ? -1 : 1) * minutes;
}

/** Minutes east of UTC of an IANA zone at an instant (Intl knows the zone's rules); undefined for unknown zones. */
function zoneOffsetAt(zone: string, utcMillis: number): number | undefined {
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const part = Object.fromEntries(format.formatToParts(new Date(utcMillis)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(
      Number(part.year),
      Number(part.month) - 1,
      Number(part.day),
      Number(part.hour),
      Number(part.minute),
      Number(part.second),
    );
    return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60_000);
  } catch {
    return undefined;
  }
}

/** Offset to apply to a wall time written in `zone` (IANA name, 'UTC', or '+03:00'). */
function offsetForZone(zone: string, wall: number): number | undefined {
  const fixed = offsetOfText(zone.trim());
  if (fixed !== undefined) return fixed;
  if (/^(utc|gmt)$/i.test(zone.trim())) return 0;
  // Two passes: the offset at the guessed instant, which is right except within a DST change's hour.
  const first = zoneOffsetAt(zone, wall);
  if (first === undefined) return undefined;
  return zoneOffsetAt(zone, wall - first * 60_000);
}

function fromLocalText(
  text: string,
  offsetMinutes: (wall: number) => number | undefined,
): string | undefined {
  const match = LOCAL_TEXT.exec(text.trim());
  if (!match) return undefined;
  const wall = wallMillis(wallTimeOf(match.slice(1)));
  if (wall === undefined) return undefined;
  const offset = offsetMinutes(wall);
  return offset === undefined ? undefined : new Date(wall - offset * 60_000).toISOString();
}

function fromZonedText(text: string): string | undefined {
  const match = ZONED_TEXT.exec(text.trim());
  if (!match) return undefined;
  const wall = wallMillis(wallTimeOf(match.slice(1, 7), match[7]));
  const offset = offsetOfText(match[8]);
  if (wall === undefined || offset === undefined) return undefined;
  return new Date(wall - offset * 60_000).toISOString();
}

/** Unix time in seconds (or milliseconds, told apart by size) as ISO UTC. */
export function unixTimeToUtc(value: unknown): string | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return undefined;
  const millis = n >= 1e12 ? n : n * 1000;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Any of Salla's in-data time formats as ISO-8601 UTC (`Date#toISOString()`), or undefined when the value is
 * absent or in no known format. Zone-less text is Riyadh time.
 */
export function sallaTimeToUtc(value: unknown): string | undefined {
  if (typeof value === 'number') return unixTimeToUtc(value);
  if (typeof value === 'string') {
    return fromZonedText(value) ?? fromLocalText(value, () => RIYADH_OFFSET_MINUTES);
  }
  if (isRecord(value) && typeof value.date === 'string') {
    const zone = typeof value.timezone === 'string' ? value.timezone : undefined;
    if (zone === undefined) return fromLocalText(value.date, () => RIYADH_OFFSET_MINUTES);
    return fromLocalText(value.date, (wall) => offsetForZone(zone, wall));
  }
  return undefined;
}
