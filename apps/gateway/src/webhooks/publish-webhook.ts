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
    await this.publisher.publish(
      Topic.SallaWebhookReceived,
      newEnvelope(Topic.SallaWebhookReceived, storeId, payload),
      {
        key: messageKeyOf(Topic.SallaWebhookReceived, storeId, payload),
        headers: {
          [WebhookHeaders.event]: envelope.event,
          [WebhookHeaders.storeId]: storeId,
          [WebhookHeaders.receivedAt]: payload.receivedAt,
          [WebhookHeaders.bodySha256]: bodySha256,
        },
      },
    );
  }
}
