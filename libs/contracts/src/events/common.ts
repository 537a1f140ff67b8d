import {
  buildMessage,
  IsIn,
  isISO4217CurrencyCode,
  IsISO8601,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateBy,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';

/*
 * Conventions shared by every payload (see the README for the reasoning):
 *  - ids are non-empty strings, whatever the source system uses (Salla numbers, Odoo integers);
 *  - money is a decimal string in major units ('196', '175.47', '0.125') next to ONE ISO 4217 `currency` per
 *    document, so a document cannot mix currencies and no float ever rounds a price;
 *  - timestamps are ISO-8601 in UTC with a `Z` ('2022-06-26T09:21:48.000Z', i.e. `Date#toISOString()`);
 *  - optional fields are absent (or null) when unknown; consumers never treat absence as "zero" or "empty".
 */

/** The two systems a record can come from. Carried so a consumer can ignore the echo of its own writes. */
export const SYNC_SOURCES = ['salla', 'odoo'] as const;
export type SyncSource = (typeof SYNC_SOURCES)[number];

/** Non-negative decimal in major units, '.' separator, no exponent, no thousands separator, ≤ 6 decimals. */
export const DECIMAL_AMOUNT = /^(0|[1-9]\d*)(\.\d{1,6})?$/;

/** ISO-8601 UTC instant, exactly as `Date#toISOString()` writes it (milliseconds optional). */
export const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

/** An id in a source system, as a string. */
export function IsEntityId(options?: ValidationOptions): PropertyDecorator {
  return compose(IsString(options), IsNotEmpty(options), MaxLength(128, options));
}

/** Money amount in major units as a decimal string; see DECIMAL_AMOUNT. */
export function IsDecimalAmount(options?: ValidationOptions): PropertyDecorator {
  return Matches(DECIMAL_AMOUNT, {
    message: '$property must be a non-negative decimal string in major units, e.g. "175.47"',
    ...options,
  });
}

/** Officially assigned ISO 4217 code, upper-case as the standard writes it ('SAR', 'KWD'). */
export function IsCurrency(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCurrency',
      validator: {
        validate: (value: unknown): boolean =>
          typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isISO4217CurrencyCode(value),
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an upper-case ISO 4217 currency code, e.g. "SAR"`,
          options,
        ),
      },
    },
    options,
  );
}

/** ISO-8601 instant in UTC ('…Z'); a real calendar date, not just the right shape. */
export function IsUtcTimestamp(options?: ValidationOptions): PropertyDecorator {
  return compose(
    IsISO8601({ strict: true }, options),
    Matches(UTC_TIMESTAMP, {
      message: '$property must be an ISO-8601 UTC timestamp ending in Z',
      ...options,
    }),
  );
}

/** Which system a record comes from. */
export function IsSyncSource(options?: ValidationOptions): PropertyDecorator {
  return compose(IsIn([...SYNC_SOURCES], options));
}

/** Free text with a sane ceiling (names, notes); keeps one bad record from bloating a topic. */
export function IsText(max = 1024, options?: ValidationOptions): PropertyDecorator {
  return compose(IsString(options), MaxLength(max, options));
}

/** The property may only be set when `other` is not: for "exactly one of" pairs. */
export function IsAbsentWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    registerDecorator({
      name: 'isAbsentWith',
      target: target.constructor,
      propertyName: String(key),
      constraints: [other],
      options: { message: `$property and ${other} must not both be given`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const otherValue = (args.object as Record<string, unknown>)[other];
          return value == null || otherValue == null;
        },
      },
    });
  };
}
