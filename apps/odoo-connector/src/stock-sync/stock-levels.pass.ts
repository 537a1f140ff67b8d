import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { InventoryLevelSet, messageKeyOf, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

import { ActivityLog } from '../activity/activity-log';
import { OdooStockReader, type QuantChange, type StockLocation } from './odoo-stock-reader';
import { MAX_PAGES, PAGE_SIZE, type PollContext } from './poll-context';
import { SallaStockLedgerRepository } from './salla-stock-ledger.repository';
import { StockSyncProblem } from './stock-sync-problem';
import { StockSyncStateRepository } from './stock-sync-state.repository';
import { LateCommitWindow, laterAt } from './late-commit-window';
import { START, type WriteDateCursor } from './write-date-cursor';

export interface StockLevelSent {
  sku: string;
  quantity: number;
}

/**
 * Odoo stock → Salla: reads the quants of the synced location written since the cursor, and for each of the
 * store's SKUs among them whose quantity differs from the last one known on the Salla side (the ledger), emits
 * `inventory.level.set.v1` (by SKU, overwrite). Equal quantities are not sent: that is how a change that came
 * from Salla, or one already sent, never goes out again. The first pass of a store reads every quant of the
 * location, so Salla starts from Odoo's figures for the products that have stock records in Odoo. Each pass
 * reads the last minutes before the cursor again for rows committed late (LateCommitWindow).
 */
@Injectable()
export class StockLevelsPass {
  constructor(
    private readonly reader: OdooStockReader,
    private readonly ledger: SallaStockLedgerRepository,
    private readonly states: StockSyncStateRepository,
    private readonly publisher: EventPublisher,
    private readonly activity: ActivityLog,
  ) {}

  async run({ storeId, client, state, stockLocationId, keepLease }: PollContext): Promise<StockLevelSent[]> {
    const location = await this.reader.location(client, stockLocationId);
    if (!location && stockLocationId) {
      throw new StockSyncProblem(
        'odoo.stock_location_missing',
        `Stock updates from Odoo to Salla are paused: the stock location ${stockLocationId} set in the app settings is not an active internal location in Odoo (check "Odoo stock location" in the app settings, or leave it empty for the main warehouse)`,
      );
    }
    if (!location) {
      throw new StockSyncProblem(
        'odoo.no_warehouse',
        'Stock updates from Odoo to Salla are paused: the Odoo database has no warehouse (is the Inventory app installed?)',
      );
    }
    // Another location (the warehouse changed): its quants are all new to us.
    const same = state?.locationId === location.rootId;
    let cursor: WriteDateCursor = same
      ? { at: state.quantCursor ?? null, afterId: state.quantAfterId ?? null }
      : START;
    const window = new LateCommitWindow(same ? state.quantsHandled : null, cursor.at);
    let position = LateCommitWindow.start(cursor);
    const sent: StockLevelSent[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const quants = await this.reader.changedQuants(client, location, position, PAGE_SIZE);
      const fresh = window.fresh(quants);
      if (fresh.length > 0) sent.push(...(await this.sendChanged(storeId, client, location, fresh)));
      const last = quants[quants.length - 1];
      const more = quants.length === PAGE_SIZE;
      position = last
        ? { at: last.writeDate, afterId: more ? last.id : null }
        : { at: position.at, afterId: null };
      // A short page ends the pass: the next one starts a window before the cursor (which never goes back).
      cursor = more ? position : { at: laterAt(cursor.at, position.at), afterId: null };
      await this.states.patch(storeId, {
        locationId: location.rootId,
        quantCursor: cursor.at,
        quantAfterId: cursor.afterId,
        quantsHandled: window.remembered(cursor.at),
      });
      await keepLease();
      if (!more) break;
    }
    return sent;
  }

  private async sendChanged(
    storeId: string,
    client: PollContext['client'],
    location: StockLocation,
    quants: QuantChange[],
  ): Promise<StockLevelSent[]> {
    const productIds = [...new Set(quants.map((q) => q.productId))];
    const skus = await this.reader.boundSkus(client, storeId, productIds);
    if (skus.size === 0) return [];
    const quantities = await this.reader.quantities(client, location, [...skus.keys()]);
    const known = await this.ledger.quantities(storeId, [...skus.values()]);
    const changed: StockLevelSent[] = [];
    for (const [productId, sku] of skus) {
      const quantity = quantities.get(productId) ?? 0;
      if (known.get(sku) !== quantity) changed.push({ sku, quantity });
    }
    if (changed.length === 0) return [];
    await this.publisher.publishMany(
      Topic.InventoryLevelSet,
      changed.map(({ sku, quantity }) => {
        const command = new InventoryLevelSet();
        command.identifierType = 'sku';
        command.identifier = sku;
        command.quantity = quantity;
        command.mode = 'overwrite';
        command.reason = `Odoo stock at ${location.name}`.slice(0, 512);
        return {
          envelope: newEnvelope(Topic.InventoryLevelSet, storeId, command),
          key: messageKeyOf(Topic.InventoryLevelSet, storeId, command),
        };
      }),
    );
    // After the broker's ack: a crash before this line sends the same levels again (overwrite is idempotent).
    const sentAt = new Date();
    for (const { sku, quantity } of changed) {
      await this.ledger.record(storeId, { sku, quantity, source: 'odoo', observedAt: sentAt });
    }
    const listed = changed.slice(0, 20).map((c) => `${c.sku}: ${c.quantity}`);
    await this.activity.record(storeId, {
      direction: 'odoo_to_salla',
      entityType: 'inventory',
      entityId: storeId,
      outcome: 'ok',
      message: `Odoo stock at ${location.name} sent to Salla for ${changed.length} SKU(s): ${listed.join(', ')}${changed.length > listed.length ? ', …' : ''}`,
      eventId: randomUUID(),
    });
    return changed;
  }
}
