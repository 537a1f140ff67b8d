import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, InventoryLevelSet, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ActivityLog } from '../activity/activity-log';
import { StoresRepository } from '../stores/stores.repository';

import { PendingStockSetsRepository } from './pending-stock-sets.repository';

/**
 * `inventory.level.set.v1` → the coalescing buffer. The command is acknowledged once it is in Mongo; the
 * StockFlusher sends it to Salla with the store's other pending items.
 */
@Controller()
export class StockCommandsHandler {
  constructor(
    private readonly pending: PendingStockSetsRepository,
    private readonly stores: StoresRepository,
    private readonly activity: ActivityLog,
    private readonly erasure: StoreErasureGuard,
  ) {}

  @KafkaEvent(Topic.InventoryLevelSet, InventoryLevelSet)
  async onInventoryLevelSet(@Payload() event: EventEnvelope<InventoryLevelSet>): Promise<void> {
    const command = event.payload;
    // An erased store is not even told it is uninstalled: that line would be a new document of it.
    if (await this.erasure.isErased(event.storeId, event.occurredAt))
      return this.erasure.skipped(event.storeId, 'stock command');
    if (await this.stores.isUninstalled(event.storeId)) {
      await this.activity.record(event.storeId, {
        entityType: 'inventory',
        entityId: `${command.identifierType}:${command.identifier}`,
        outcome: 'skipped',
        message: 'The app is uninstalled from this store: stock is no longer sent to Salla',
        eventId: event.id,
      });
      return;
    }
    await this.pending.absorb(event.storeId, command, event.id, new Date());
  }
}
