import {
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';

import { IsUtcTimestamp } from './common';
import { isEncryptedValue } from './encrypted-value';

/**
 * Fields of a raw Salla webhook's `data` that hold secrets, per event name (dot paths inside `data`).
 * The gateway replaces each one that is present by an `EncryptedValue` before publishing; validation of
 * `SallaWebhookReceived` refuses a message where one is still plaintext. `settings.odoo_api_key` is the name
 * of the API-key field in OUR app's settings form on Salla.
 */
export const SALLA_WEBHOOK_SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'app.store.authorize': ['access_token', 'refresh_token'],
  'app.settings.updated': ['settings.odoo_api_key'],
};

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => {
    if (node === null || typeof node !== 'object') return undefined;
    return (node as Record<string, unknown>)[part];
  }, data);
}

/** Secret fields (see SALLA_WEBHOOK_SECRET_FIELDS) of the event named in `event` must be sealed or absent. */
function HasNoPlaintextSecrets(options?: ValidationOptions): PropertyDecorator {
  return (target, key) => {
    registerDecorator({
      name: 'hasNoPlaintextSecrets',
      target: target.constructor,
      propertyName: String(key),
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const event = (args.object as { event?: unknown }).event;
          const paths = typeof event === 'string' ? (SALLA_WEBHOOK_SECRET_FIELDS[event] ?? []) : [];
          return paths.every((p) => {
            const secret = valueAt(value, p);
            return secret === undefined || secret === null || isEncryptedValue(secret);
          });
        },
        defaultMessage(args: ValidationArguments): string {
          const event = (args.object as { event?: unknown }).event;
          const paths = typeof event === 'string' ? (SALLA_WEBHOOK_SECRET_FIELDS[event] ?? []) : [];
          const bad = paths.filter((p) => {
            const secret = valueAt(args.value, p);
            return secret !== undefined && secret !== null && !isEncryptedValue(secret);
          });
          return `${args.property} must not carry plaintext secrets: ${bad.map((p) => `data.${p}`).join(', ')} must be an EncryptedValue`;
        },
      },
    });
  };
}

/**
 * `salla.webhook.received.v1`: raw intake. The gateway verified the signature and publishes the webhook as Salla
 * sent it, so the Salla connector (not the gateway) owns the mapping into canonical events and can be fixed and
 * replayed without losing deliveries. Keyed by store (the envelope's `storeId` is `merchant`), keeping one
 * merchant's webhooks in arrival order. Secret fields are sealed first (see SALLA_WEBHOOK_SECRET_FIELDS).
 */
export class SallaWebhookReceived {
  /** Salla's event name ('order.created'); the connector routes on it and ignores names it does not handle. */
  @IsString()
  @Matches(/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/, {
    message: 'event must be a Salla event name such as order.created',
  })
  @MaxLength(128)
  event!: string;

  /** Salla's top-level `merchant`, as a string (Salla sends a number or a string). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  merchant!: string;

  /**
   * Salla's `created_at` exactly as sent. It comes in two formats ('2022-12-31 12:31:25' and
   * 'Sun Jun 26 2022 12:21:48 GMT+0300'); parsing is the connector's job, so nothing is lost here.
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  createdAt!: string;

  /**
   * Lower-case hex SHA-256 of the raw request body. Salla has no delivery id and retries, so this is the
   * dedupe key: the same body twice is the same delivery.
   */
  @Matches(/^[0-9a-f]{64}$/, { message: 'bodySha256 must be 64 lower-case hex characters' })
  bodySha256!: string;

  /** When the gateway accepted it; used for lag metrics and as the fallback event time. */
  @IsUtcTimestamp()
  receivedAt!: string;

  /** The webhook's `data` object, untouched except for sealed secrets. */
  @IsObject()
  @HasNoPlaintextSecrets()
  data!: Record<string, unknown>;
}
