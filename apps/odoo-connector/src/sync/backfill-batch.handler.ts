import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  CategoryUpserted,
  type EventEnvelope,
  ProductUpserted,
  SalesOrderUpserted,
  type SyncEntityType,
  Topic,
} from '@app/contracts';
import { type BatchItem, KafkaEventBatch, KafkaEventContext } from '@app/messaging';

import { CatalogBatch } from './catalog-batch';
import { Orders } from './orders';
import { OrdersBatch } from './orders-batch';
import { Products } from './products';
import { StoreBatchCoalescer } from './store-batch-coalescer';
import { type ApplyResult, SyncRunner } from './sync-runner';
import type { StoreOdoo } from '../bindings/odoo-bindings';

/** Messages per partition handed over at once; the coalescer then merges the partitions of a store. */
const PARTITION_BATCH = 500;

/**
 * A store's categories are few and form a tree: they are gathered whole (up to MAX_FLUSH) so the tree is
 * created in as few calls as possible, rather than cut every ODOO_BATCH_SIZE records.
 */
const WHOLE = Number.MAX_SAFE_INTEGER;

/**
 * Backfill categories, products and orders in batches (the live topics keep the one-event path of SyncEventsHandler).
 * A batch handler receives consecutive messages of one partition; they are grouped per store and merged with
 * the other partitions' messages of that store (StoreBatchCoalescer) so each Odoo create carries ≥ 100
 * records. A single message (the messaging layer's one-at-a-time retry after a failed batch) takes the
 * one-event path directly.
 */
@Controller()
export class BackfillBatchHandler {
  constructor(
    private readonly runner: SyncRunner,
    private readonly products: Products,
    private readonly catalog: CatalogBatch,
    private readonly coalescer: StoreBatchCoalescer,
    private readonly orders: Orders,
    private readonly ordersBatch: OrdersBatch,
  ) {}

  @KafkaEventBatch(Topic.BackfillCategoryUpserted, CategoryUpserted, { maxBatchSize: PARTITION_BATCH })
  onCategories(@Payload() items: ReadonlyArray<BatchItem<CategoryUpserted>>): Promise<void> {
    return this.apply(
      items,
      'category',
      (c) => c.categoryId,
      (odoo, c) => this.products.applyCategory(odoo, c),
      (odoo, all) => this.catalog.applyCategories(odoo, all),
      WHOLE,
    );
  }

  @KafkaEventBatch(Topic.BackfillProductUpserted, ProductUpserted, { maxBatchSize: PARTITION_BATCH })
  onProducts(@Payload() items: ReadonlyArray<BatchItem<ProductUpserted>>): Promise<void> {
    return this.apply(
      items,
      'product',
      (p) => p.productId,
      (odoo, p) => this.products.applyProduct(odoo, p),
      (odoo, all) => this.catalog.applyProducts(odoo, all),
    );
  }

  @KafkaEventBatch(Topic.BackfillOrderUpserted, SalesOrderUpserted, { maxBatchSize: PARTITION_BATCH })
  onOrders(@Payload() items: ReadonlyArray<BatchItem<SalesOrderUpserted>>): Promise<void> {
    return this.apply(
      items,
      'order',
      (o) => o.orderId,
      (odoo, o) => this.orders.applyUpsert(odoo, o, 'backfill'),
      (odoo, all) => this.ordersBatch.applyOrders(odoo, all),
    );
  }

  private async apply<P extends object>(
    items: ReadonlyArray<BatchItem<P>>,
    entityType: SyncEntityType,
    idOf: (payload: P) => string,
    one: (odoo: StoreOdoo, payload: P) => Promise<ApplyResult>,
    many: (odoo: StoreOdoo, payloads: P[]) => Promise<ApplyResult[]>,
    flushAt?: number,
  ): Promise<void> {
    if (items.length === 1) {
      const { event, meta } = items[0];
      return this.runner.run(event, new KafkaEventContext(meta), {
        entityType,
        entityId: idOf(event.payload),
        apply: (odoo) => one(odoo, event.payload),
      });
    }
    const byStore = new Map<string, Array<EventEnvelope<P>>>();
    for (const { event } of items) byStore.set(event.storeId, [...(byStore.get(event.storeId) ?? []), event]);
    await Promise.all(
      [...byStore].map(([storeId, events]) =>
        this.coalescer.add(
          `${entityType}:${storeId}`,
          events,
          (all) =>
            this.runner.runMany(
              storeId,
              entityType,
              all.map((event) => ({ event, entityId: idOf(event.payload) })),
              (odoo) => applyLatest(odoo, all, idOf, many),
            ),
          flushAt,
        ),
      ),
    );
  }
}

/**
 * The same entity twice in a batch (an update right behind the first page): only its latest event (Kafka keeps
 * an entity's events in order) is applied, and every event of it gets that result.
 */
async function applyLatest<P extends object>(
  odoo: StoreOdoo,
  events: ReadonlyArray<EventEnvelope<P>>,
  idOf: (payload: P) => string,
  many: (odoo: StoreOdoo, payloads: P[]) => Promise<ApplyResult[]>,
): Promise<ApplyResult[]> {
  const latest = new Map<string, number>();
  events.forEach((e, i) => latest.set(idOf(e.payload), i));
  const unique = [...latest.values()];
  const results = await many(
    odoo,
    unique.map((i) => events[i].payload),
  );
  const byEntity = new Map(unique.map((i, k) => [idOf(events[i].payload), results[k]]));
  return events.map((e) => byEntity.get(idOf(e.payload))!);
}
