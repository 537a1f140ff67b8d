import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { EventEnvelope, PrivacyErasureCompleted, StoreUninstalled, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { derivedUuid } from '../http/derived-uuid';
import { ErasureOrchestrator } from './erasure-orchestrator';

/**
 * The request id of the erasure an uninstall event starts: derived from the event's id, so a redelivered
 * uninstall event finds the request it already started instead of starting a second one.
 */
export function uninstallRequestId(eventId: string): string {
  return derivedUuid(`uninstall:${eventId}`);
}

@Controller()
export class ErasureEventsHandler {
  constructor(private readonly orchestrator: ErasureOrchestrator) {}

  /** "On uninstall all connection settings are immediately deleted": an uninstall starts a store erasure. */
  @KafkaEvent(Topic.StoreUninstalled, StoreUninstalled)
  async onUninstalled(@Payload() event: EventEnvelope<StoreUninstalled>): Promise<void> {
    await this.orchestrator.start({
      storeId: event.storeId,
      requestId: uninstallRequestId(event.id),
      reason: 'app uninstalled',
      source: 'uninstall',
    });
  }

  @KafkaEvent(Topic.PrivacyErasureCompleted, PrivacyErasureCompleted)
  async onReceipt(@Payload() event: EventEnvelope<PrivacyErasureCompleted>): Promise<void> {
    if (event.payload.scope !== 'store') return;
    await this.orchestrator.onReceipt(event.storeId, event.payload.requestId, event.payload.receipt);
  }
}
