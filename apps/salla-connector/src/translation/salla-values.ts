import { isISO31661Alpha2, isISO4217CurrencyCode } from 'class-validator';

/*
 * Readers for single values of Salla JSON. Salla adds, omits and re-types fields between endpoints and versions
 * (ids are numbers or strings, booleans arrive as "1"/"true"/1, empty strings stand for "none"), so every
 * mapper reads through these instead of trusting the declared types in salla-resources.ts.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The canonical contracts cap ids at 128 characters. */
const MAX_ID_LENGTH = 128;

/**
 * A Salla id as a string, or undefined when absent. Salla never issues id 0; it writes 0 (or "0") for "none"
 * (`parent_id: 0` on a top-level category, `shipment.id: "0"` before a shipment exists), so 0 counts as absent.
 */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value !== 0 ? String(value) : undefined;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' || text === '0' || text.length > MAX_ID_LENGTH ? undefined : text;
  }
  return undefined;
}

/** Non-empty trimmed text (numbers are written as text), cut to `max` characters so one record cannot fail a limit. */
export function textOf(value: unknown, max: number): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  if (text === '') return undefined;
  return text.length > max ? text.slice(0, max) : text;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 'active', 'enabled']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'inactive', 'disabled']);

/** Salla's many spellings of a boolean; undefined when absent or not recognisable. */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return undefined;
}

/** A whole number from a number or a numeric string ("7"); undefined otherwise. */
export function integerOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

/** The elements of an array, or none when the value is not an array. */
export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** The records of an array (Salla's sample data has placeholders such as `"sub_categories": ["string"]`). */
export function recordsOf(value: unknown): Array<Record<string, unknown>> {
  return arrayOf(value).filter(isRecord);
}

/** An ISO 3166-1 alpha-2 code ('SA'), upper-cased; undefined for names ('السعودية') and unknown codes. */
export function countryCodeOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && isISO31661Alpha2(code) ? code : undefined;
}

/** An ISO 4217 code ('SAR'), upper-cased; undefined otherwise. */
export function currencyCodeOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && isISO4217CurrencyCode(code) ? code : undefined;
}

/** Drops keys whose value is undefined, so payloads carry unknown fields as absent, not as `undefined` keys. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
