import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { messageKeyOf, SalesOrderStatusSet, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

import { ActivityLog } from '../activity/activity-log';
import { DeliveredOrdersRepository } from './delivered-orders.repository';
import { type DonePicking, FINISHED, OdooDeliveriesReader } from './odoo-deliveries-reader';
import { MAX_PAGES, PAGE_SIZE, type PollContext } from './poll-context';
import type { DeliveredStatus } from './stock-sync-state.schema';
import { StockSyncStateRepository } from './stock-sync-state.repository';
import { LateCommitWindow, laterAt } from './late-commit-window';
import type { WriteDateCursor } from './write-date-cursor';

/** Salla's base status for "the customer has it" (`completed` means fulfilled/processed, not delivered). */
export const DEFAULT_DELIVERED_STATUS: DeliveredStatus = { slug: 'delivered' };

/** Reads "from the beginning": used when the first pass of a store found no finished delivery at all. */
const EPOCH = '1970-01-01 00:00:00';

export interface OrderStatusSent {
  orderId: string;
  slug?: string;
  statusId?: string;
  picking: string;
}

/**
 * Odoo delivery done → Salla order status: reads outgoing pickings that reached `done` since the cursor, finds
 * their sale order and, for orders that came from Salla (this store's order binding) with no delivery left
 * to do (a backorder keeps it open), emits `sales.order.status-set.v1` with the store's "delivered" status —
 * once per order (DeliveredOrders). A store's first pass only notes where deliveries stand: orders delivered
 * before the store was connected are not re-announced (Salla may notify the customer).
 */
@Injectable()
export class DeliveriesPass {
  constructor(
    private readonly reader: OdooDeliveriesReader,
    private readonly delivered: DeliveredOrdersRepository,
    private readonly states: StockSyncStateRepository,
    private readonly publisher: EventPublisher,
    private readonly activity: ActivityLog,
  ) {}

  async run({ storeId, client, state, keepLease }: PollContext): Promise<OrderStatusSent[]> {
    if (!state?.pickingCursor) {
      await this.baseline(storeId, client);
      return [];
    }
    const status =
      state.deliveredStatus?.slug || state.deliveredStatus?.statusId
        ? state.deliveredStatus
        : DEFAULT_DELIVERED_STATUS;
    let cursor: WriteDateCursor = { at: state.pickingCursor, afterId: state.pickingAfterId ?? null };
    // The minutes before the cursor again, for deliveries validated in a transaction that committed late.
    const window = new LateCommitWindow(state.pickingsHandled, cursor.at);
    let position = LateCommitWindow.start(cursor);
    const sent: OrderStatusSent[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const pickings = await this.reader.finishedPickings(client, position, PAGE_SIZE);
      const fresh = window.fresh(pickings);
      if (fresh.length > 0) sent.push(...(await this.announce(storeId, client, fresh, status)));
      const last = pickings[pickings.length - 1];
      const more = pickings.length === PAGE_SIZE;
      position = last
        ? { at: last.writeDate, afterId: more ? last.id : null }
        : { at: position.at, afterId: null };
      cursor = more ? position : { at: laterAt(cursor.at, position.at), afterId: null };
      await this.states.patch(storeId, {
        pickingCursor: cursor.at,
        pickingAfterId: cursor.afterId,
        pickingsHandled: window.remembered(cursor.at),
      });
      await keepLease();
      if (!more) break;
    }
    return sent;
  }

  /** Starts after the latest finished delivery (strictly after it: its own second is history too). */
  private async baseline(storeId: string, client: PollContext['client']): Promise<void> {
    const [latest] = await client.searchRead<{ id: number; write_date: string }>(
      'stock.picking',
      [
        ['picking_type_code', '=', 'outgoing'],
        ['state', 'in', FINISHED],
      ],
      ['write_date'],
      { limit: 1, order: 'write_date desc, id desc' },
    );
    await this.states.patch(storeId, {
      pickingCursor: latest?.write_date ?? EPOCH,
      pickingAfterId: latest?.id ?? null,
    });
  }

  private async announce(
    storeId: string,
    client: PollContext['client'],
    pickings: DonePicking[],
    status: DeliveredStatus,
  ): Promise<OrderStatusSent[]> {
    const orderIds = [...new Set(pickings.flatMap((p) => (p.saleOrderId === null ? [] : [p.saleOrderId])))];
    const sallaIds = await this.reader.sallaOrderIds(client, storeId, orderIds);
    if (sallaIds.size === 0) return [];
    const stillOpen = await this.reader.withOpenDeliveries(client, [...sallaIds.keys()]);
    // A cancelled delivery finishes an order only when something of it was shipped (not a cancelled order).
    const cancelledFor = pickings.filter((p) => p.state === 'cancel' && p.saleOrderId !== null);
    const shipped = await this.reader.withDoneDeliveries(
      client,
      [...new Set(cancelledFor.map((p) => p.saleOrderId!))].filter((id) => sallaIds.has(id)),
    );
    const already = await this.delivered.alreadySent(storeId, [...sallaIds.values()]);
    const sent: OrderStatusSent[] = [];
    for (const picking of pickings) {
      const odooOrderId = picking.saleOrderId;
      const orderId = odooOrderId === null ? undefined : sallaIds.get(odooOrderId);
      if (odooOrderId === null || !orderId || stillOpen.has(odooOrderId) || already.has(orderId)) continue;
      if (picking.state === 'cancel' && !shipped.has(odooOrderId)) continue;
      const command = new SalesOrderStatusSet();
      command.orderId = orderId;
      if (status.slug) command.slug = status.slug;
      else command.statusId = status.statusId ?? undefined;
      await this.publisher.publish(
        Topic.SalesOrderStatusSet,
        newEnvelope(Topic.SalesOrderStatusSet, storeId, command),
        {
          key: messageKeyOf(Topic.SalesOrderStatusSet, storeId, command),
        },
      );
      // After the broker's ack: a crash before this line sends the status once more on the next poll.
      await this.delivered.remember(storeId, {
        orderId,
        odooOrderId,
        pickingName: picking.name,
        sentAt: new Date(),
      });
      already.add(orderId);
      const label = command.slug ? `"${command.slug}"` : `id ${command.statusId}`;
      await this.activity.record(storeId, {
        direction: 'odoo_to_salla',
        entityType: 'order',
        entityId: orderId,
        outcome: 'ok',
        message:
          picking.state === 'done'
            ? `Delivery ${picking.name} was validated in Odoo: the Salla order is set to status ${label}`
            : `The backorder ${picking.name} was cancelled in Odoo and the rest of the order had shipped: the Salla order is set to status ${label}`,
        eventId: randomUUID(),
      });
      sent.push({ orderId, slug: command.slug, statusId: command.statusId, picking: picking.name });
    }
    return sent;
  }
}
