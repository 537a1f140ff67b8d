import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, InventoryLevelChanged, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { SallaStockLedgerRepository } from './salla-stock-ledger.repository';

/**
 * Salla's own quantities (product webhooks, backfill) go into the stock ledger, nothing else: the poll then
 * knows what Salla already shows and does not send it back. Levels without a SKU are not tracked (the poll
 * speaks SKUs); levels from Odoo are ours.
 */
@Controller()
export class SallaStockLevelsHandler {
  constructor(private readonly ledger: SallaStockLedgerRepository) {}

  @KafkaEvent(Topic.InventoryLevelChanged, InventoryLevelChanged)
  async onLevel(@Payload() event: EventEnvelope<InventoryLevelChanged>): Promise<void> {
    const level = event.payload;
    const sku = level.sku?.trim();
    if (level.source !== 'salla' || !sku || level.locationId) return;
    await this.ledger.record(event.storeId, {
      sku,
      quantity: level.quantity,
      source: 'salla',
      observedAt: new Date(level.observedAt ?? event.occurredAt),
    });
  }
}
