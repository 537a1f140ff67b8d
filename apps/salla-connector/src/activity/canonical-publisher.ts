import { Injectable } from '@nestjs/common';

import { type EventOrigin, messageKeyOf, type PayloadOf, type Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

/** Publishes canonical events keyed by the catalogue's rule for the topic, with their origin attached. */
@Injectable()
export class CanonicalPublisher {
  constructor(private readonly publisher: EventPublisher) {}

  async publish<T extends Topic>(
    topic: T,
    storeId: string,
    payload: PayloadOf<T>,
    origin?: EventOrigin,
  ): Promise<void> {
    const envelope = newEnvelope(topic, storeId, payload, 1, origin);
    await this.publisher.publish(topic, envelope, { key: messageKeyOf(topic, storeId, payload) });
  }

  /** Many events of one topic in one produce request (backfill pages). */
  async publishMany<T extends Topic>(
    topic: T,
    storeId: string,
    payloads: ReadonlyArray<PayloadOf<T>>,
    origin?: EventOrigin,
  ): Promise<void> {
    await this.publisher.publishMany(
      topic,
      payloads.map((payload) => ({
        envelope: newEnvelope(topic, storeId, payload, 1, origin),
        key: messageKeyOf(topic, storeId, payload),
      })),
    );
  }
}
