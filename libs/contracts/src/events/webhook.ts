import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

import { IsUtcTimestamp } from './common';
import { EncryptedValue } from './encrypted-value';

/**
 * The additional authenticated data the gateway seals a webhook's `data` with: it binds the sealed blob to the
 * delivery it came from, so a `data` copied into another message (even of the same store) fails to open.
 * Open with `crypto.decryptJson(storeId, payload.data, sallaWebhookDataAad(payload.bodySha256))`.
 */
export function sallaWebhookDataAad(bodySha256: string): string {
  return `salla.webhook:${bodySha256}`;
}

/**
 * `salla.webhook.received.v1`: raw intake. The gateway verified the signature and publishes the webhook as Salla
 * sent it, so the Salla connector (not the gateway) owns the mapping into canonical events and can be fixed and
 * replayed without losing deliveries. Keyed by store (the envelope's `storeId` is `merchant`), keeping one
 * merchant's webhooks in arrival order. Only events on `SALLA_HANDLED_WEBHOOK_EVENTS` are published.
 *
 * `data` is sealed whole with the store's data key: webhooks carry tokens, API keys and customers' personal
 * data, and Kafka keeps messages (and dead letters) for days. Sealing everything rather than a list of
 * known-secret fields means a field Salla adds tomorrow cannot leak, and erasing a store (crypto-shredding)
 * makes its messages still in Kafka unreadable.
 */
export class SallaWebhookReceived {
  /** Salla's event name ('order.created'); the connector routes on it. */
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
   * 'Sun Jun 26 2022 12:21:48 GMT+0300'); kept verbatim so nothing is lost.
   */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  createdAt!: string;

  /**
   * `createdAt` parsed by the gateway into ISO-8601 UTC. The first format has no zone: it is Salla's local
   * time, Asia/Riyadh (UTC+03:00, no daylight saving).
   */
  @IsUtcTimestamp()
  createdAtUtc!: string;

  /**
   * Lower-case hex SHA-256 of the raw request body. Salla has no delivery id and retries, so this is the
   * dedupe key: the same body twice is the same delivery. Also the AAD of `data` (`sallaWebhookDataAad`).
   */
  @Matches(/^[0-9a-f]{64}$/, { message: 'bodySha256 must be 64 lower-case hex characters' })
  bodySha256!: string;

  /** When the gateway accepted it; used for lag metrics and as the fallback event time. */
  @IsUtcTimestamp()
  receivedAt!: string;

  /** The webhook's `data` object, `JSON.stringify`-ed and sealed for the store (AAD: `sallaWebhookDataAad`). */
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedValue)
  data!: EncryptedValue;
}
