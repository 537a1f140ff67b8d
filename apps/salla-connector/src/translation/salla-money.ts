import type { ResourceLabel } from './malformed-resource.error';
import { isRecord } from './salla-values';

/*
 * Money without floats. Salla sends amounts as `{amount, currency}` objects (sometimes nested:
 * `tax: {percent, amount: {amount, currency}}`), as bare numbers (`"price": 150`) or as decimal strings
 * (`"discount": "5.00"`). They are read into integer micro-units (6 decimals, the most the canonical
 * DECIMAL_AMOUNT allows) so sums and differences are exact, and written back as canonical decimal strings.
 */

const DECIMALS = 6;
const UNIT = 10n ** BigInt(DECIMALS);

/** An amount in millionths of the major unit. */
export type Micros = bigint;

export const ZERO: Micros = 0n;

/** Thrown by {@link amountOf} for a value that is present but not a number; mappers turn it into a field error. */
export class NotAnAmountError extends Error {
  constructor() {
    super('is not a number or a decimal amount');
  }
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d*))?$/;

function fromDecimalText(text: string): Micros {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) throw new NotAnAmountError();
  const [, sign, whole, fraction = ''] = match;
  const digits = fraction.padEnd(DECIMALS + 1, '0');
  let micros = BigInt(whole) * UNIT + BigInt(digits.slice(0, DECIMALS));
  if (Number(digits[DECIMALS]) >= 5) micros += 1n; // round half up beyond 6 decimals
  return sign === '-' ? -micros : micros;
}

function fromNumber(value: number): Micros {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) throw new NotAnAmountError();
  // toFixed rounds the binary float to 6 decimals: 175.47 → "175.470000", never "175.46999…".
  return fromDecimalText(value.toFixed(DECIMALS));
}

/**
 * The amount of a Salla money value, or undefined when it is absent (null, undefined, empty string, or an
 * object without `amount`). Throws {@link NotAnAmountError} for anything else that is not a number.
 */
export function amountOf(value: unknown): Micros | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value === 'string') return value.trim() === '' ? undefined : fromDecimalText(value);
  if (isRecord(value)) return amountOf(value.amount);
  throw new NotAnAmountError();
}

/** The currency a money object names, upper-cased as written (validity is checked where it is used). */
export function currencyOfMoney(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.currency === 'string' && value.currency.trim() !== '') {
    return value.currency.trim().toUpperCase();
  }
  return currencyOfMoney(value.amount);
}

/** Canonical decimal text: no exponent, no trailing zeros ('196', '175.47'). Negative amounts are a caller bug. */
export function formatAmount(micros: Micros): string {
  if (micros < 0n) throw new RangeError('canonical amounts are never negative');
  const whole = micros / UNIT;
  const fraction = (micros % UNIT).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole.toString()}.${fraction}`;
}

/** Reads a canonical decimal string back (for sums over already-mapped payloads). */
export function parseAmount(text: string): Micros {
  return fromDecimalText(text);
}

export function sum(values: readonly Micros[]): Micros {
  return values.reduce((acc, v) => acc + v, ZERO);
}

export function times(micros: Micros, quantity: number): Micros {
  return micros * BigInt(quantity);
}

export function max(a: Micros, b: Micros): Micros {
  return a > b ? a : b;
}

export function abs(a: Micros): Micros {
  return a < 0n ? -a : a;
}

/**
 * {@link amountOf} for a named field of a resource: a value that is not a number, or a negative one (the
 * canonical contracts hold no negative money), is a permanent error naming the field.
 */
export function readAmount(label: ResourceLabel, field: string, value: unknown): Micros | undefined {
  let amount: Micros | undefined;
  try {
    amount = amountOf(value);
  } catch (err) {
    if (err instanceof NotAnAmountError) throw label.malformed(field, err.message);
    throw err;
  }
  if (amount !== undefined && amount < 0n) throw label.malformed(field, 'is negative');
  return amount;
}

/** A price that Salla writes as 0 to mean "none" (sale price, cost): absent unless positive. */
export function positiveAmount(label: ResourceLabel, field: string, value: unknown): string | undefined {
  const amount = readAmount(label, field, value);
  return amount !== undefined && amount > 0n ? formatAmount(amount) : undefined;
}

/** A discount amount: its sign is ignored (some sources write discounts negative), anything else as readAmount. */
export function readDiscount(label: ResourceLabel, field: string, value: unknown): Micros | undefined {
  try {
    const amount = amountOf(value);
    return amount === undefined ? undefined : abs(amount);
  } catch (err) {
    if (err instanceof NotAnAmountError) throw label.malformed(field, err.message);
    throw err;
  }
}
