import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  ErasureReceipt,
  EventEnvelope,
  PrivacyErasureCompleted,
  PrivacyErasureRequested,
  Topic,
  keyFor,
} from '@app/contracts';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';

import { LateWriteSweeper } from './late-write-sweeper';
import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';
import { StoreDataEraser } from './store-data-eraser';
import { StoreErasureGuard } from './store-erasure-guard';

export { PARTICIPANT_SERVICE_NAME } from './participant-service-name';

/**
 * Every service answers an erasure request for its own data and reports a receipt; the privacy service
 * gathers the receipts by request id. A failure is retried by the consumer (backoff, then dead letter), so a
 * receipt is only published once the erasure really happened.
 *
 * The store is marked erased before anything is deleted (`StoreErasureGuard`: hooked handlers stop writing
 * for it), and a late-write sweep follows a short while later. A request made before the store was reinstalled
 * (a retry, the privacy service's late sweep) finds a new installation and leaves it alone.
 */
@Controller()
export class ErasureRequestHandler {
  constructor(
    private readonly eraser: StoreDataEraser,
    private readonly guard: StoreErasureGuard,
    private readonly sweeper: LateWriteSweeper,
    private readonly publisher: EventPublisher,
    @Inject(PARTICIPANT_SERVICE_NAME) private readonly service: string,
  ) {}

  @KafkaEvent(Topic.PrivacyErasureRequested, PrivacyErasureRequested)
  async onErasureRequested(@Payload() event: EventEnvelope<PrivacyErasureRequested>): Promise<void> {
    const receipt = new ErasureReceipt();
    receipt.service = this.service;
    const requestedAt = new Date(event.payload.requestedAt);
    if (event.payload.scope === 'store' && (await this.guard.reinstalledSince(event.storeId, requestedAt))) {
      receipt.outcome = 'nothing_found';
      receipt.erasedCount = 0;
      receipt.keyShredded = false;
      receipt.details = 'the store was reinstalled after this request: the new installation is kept';
    } else if (event.payload.scope === 'store') {
      const options = { keepDataClasses: event.payload.keepDataClasses };
      await this.guard.markErased(event.storeId, requestedAt);
      const result = await this.eraser.eraseStore(event.storeId, options);
      this.sweeper.schedule(event.storeId, options);
      receipt.outcome = result.erasedCount > 0 || result.keyShredded ? 'erased' : 'nothing_found';
      receipt.erasedCount = result.erasedCount;
      receipt.keyShredded = result.keyShredded;
      receipt.details = `key ${result.keyShredded ? 'shredded' : 'kept or absent'}; erased ${JSON.stringify(result.collections)}`;
      if (result.keptCount > 0) {
        receipt.keptCount = result.keptCount;
        receipt.keptDataClasses = result.keptDataClasses;
        receipt.details += `; kept under legal hold ${JSON.stringify(result.kept)}`;
      }
      receipt.details = receipt.details.slice(0, 1024);
    } else {
      // Customer-level erasure needs each feature's knowledge of where a customer appears; until a service
      // implements it, it says so instead of claiming success.
      receipt.outcome = 'failed';
      receipt.erasedCount = 0;
      receipt.details = `customer-scope erasure is not implemented in ${this.service} yet`;
    }
    receipt.completedAt = new Date().toISOString();

    const completed = new PrivacyErasureCompleted();
    completed.requestId = event.payload.requestId;
    completed.scope = event.payload.scope;
    completed.receipt = receipt;
    await this.publisher.publish(
      Topic.PrivacyErasureCompleted,
      newEnvelope(Topic.PrivacyErasureCompleted, event.storeId, completed),
      { key: keyFor(event.storeId) },
    );
  }
}
