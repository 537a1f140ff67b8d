import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { messageKeyOf, sallaWebhookDataAad, type SallaWebhookReceived, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';

import type { GatewayEnv } from '../gateway.env';

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
 * (acks = all), rejects on failure or after KAFKA_PUBLISH_TIMEOUT_MS (10 s by default, well inside Salla's 30 s).
 *
 * The deadline covers the whole call: `EventPublisher` bounds the send by the same timeout but not its lazy
 * connect, which against an unreachable broker can take kafkajs' full connect retry budget (up to ~30 s for a
 * host that drops packets). Past the deadline the message may still land later; the claim is released anyway
 * and Salla's retry publishes again, so consumers deduplicate on `bodySha256` (at-least-once, as everywhere).
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async publish(envelope: SallaEnvelope, bodySha256: string, receivedAt: Date): Promise<void> {
    await withDeadline(
      this.sealAndPublish(envelope, bodySha256, receivedAt),
      this.config.KAFKA_PUBLISH_TIMEOUT_MS,
      `webhook not published within ${this.config.KAFKA_PUBLISH_TIMEOUT_MS} ms`,
    );
  }

  private async sealAndPublish(envelope: SallaEnvelope, bodySha256: string, receivedAt: Date): Promise<void> {
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

/** `work`, or a rejection after `ms` (the work is not cancelled; its late outcome is ignored). */
async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // a late failure after the deadline is not an unhandled rejection
  }
}
