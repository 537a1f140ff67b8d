import { Injectable } from '@nestjs/common';

import { messageKeyOf, sallaWebhookDataAad, type SallaWebhookReceived, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';

import type { SallaEnvelope } from './parse-envelope';

/** Kafka headers of an intake message: enough to route and trace without opening it. Never secrets. */
export const WebhookHeaders = {
  event: 'x-salla-event',
  storeId: 'x-store-id',
  receivedAt: 'x-received-at',
  bodySha256: 'x-body-sha256',
} as const;

/**
 * Largest intake message (JSON value) the gateway publishes. Kafka's default `message.max.bytes` is 1 MiB
 * (+12); sealing grows `data` by a third (base64), so a body near the HTTP limit (1 MiB by default) does not
 * fit. Such a publish fails the same way on every retry, so it is refused up front (413) rather than answered
 * 503 for Salla to retry forever (found by the webhook fuzz). Headroom below 1 MiB covers key and headers.
 */
export const MAX_INTAKE_MESSAGE_BYTES = 1_000_000;

/** The sealed webhook would exceed MAX_INTAKE_MESSAGE_BYTES: permanent for these bytes, unlike a Kafka outage. */
export class WebhookTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`sealed webhook is ${bytes} bytes, above the ${MAX_INTAKE_MESSAGE_BYTES}-byte Kafka message limit`);
    this.name = 'WebhookTooLargeError';
  }
}

/**
 * Seals a verified webhook's `data` with the store's data key (AAD binds it to the delivery's body hash) and
 * publishes it to `salla.webhook.received.v1`, keyed by store. Resolves only once the broker acknowledged it
 * (acks = all), rejects on failure or after KAFKA_PUBLISH_TIMEOUT_MS (`EventPublisher`'s deadline over connect
 * and send; 10 s by default, well inside Salla's 30 s). Past the deadline the message may still land later; the
 * claim is released anyway and Salla's retry publishes again, so consumers deduplicate on `bodySha256`
 * (at-least-once, as everywhere).
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
  ) {}

  async publish(envelope: SallaEnvelope, bodySha256: string, receivedAt: Date): Promise<void> {
    const storeId = envelope.merchant;
    const payload: SallaWebhookReceived = {
      event: envelope.event,
      merchant: storeId,
      createdAt: envelope.createdAt,
      createdAtUtc: envelope.createdAtUtc,
      bodySha256,
      receivedAt: receivedAt.toISOString(),
      data: await this.crypto.encryptJson(storeId, envelope.data, sallaWebhookDataAad(bodySha256)),
    };
    const event = newEnvelope(Topic.SallaWebhookReceived, storeId, payload);
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > MAX_INTAKE_MESSAGE_BYTES) throw new WebhookTooLargeError(bytes);
    await this.publisher.publish(Topic.SallaWebhookReceived, event, {
      key: messageKeyOf(Topic.SallaWebhookReceived, storeId, payload),
      headers: {
        [WebhookHeaders.event]: envelope.event,
        [WebhookHeaders.storeId]: storeId,
        [WebhookHeaders.receivedAt]: payload.receivedAt,
        [WebhookHeaders.bodySha256]: bodySha256,
      },
    });
  }
}
