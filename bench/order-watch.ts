// Two watchers of the order path for bench/order-latency.ts: when each order's sale.order appears in the fake
// Odoo, and when the salla-connector published its canonical `sales.order.upserted` event (the midpoint).
import { Kafka, logLevel, type Consumer } from 'kafkajs';

import { Topic } from '@app/contracts';
import type { FakeDatabase } from '@app/fake-odoo';

/** Epoch milliseconds with sub-millisecond resolution (comparable with Kafka's CreateTime). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Polls the sale orders of every given fake Odoo database (one per store) every `intervalMs` by id, from the
 * last one seen in each: `get` reads one row in place, where `records()` would copy every stored order on each
 * poll (thousands, in this process, every 10 ms). Ids only grow per database; a failed create leaves a gap
 * (sequences are not rolled back), so the poll looks a stretch past the last id before it stops.
 */
export class OdooOrderWatch {
  /** client_order_ref → when the poll first saw it (references are unique across the run's stores). */
  readonly seenAt = new Map<string, number>();
  /** Database name → the next sale.order id to look for there. */
  private readonly nextId = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dbs: readonly FakeDatabase[]) {
    for (const db of dbs) this.nextId.set(db.name, 1);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  poll(): void {
    const at = nowMs();
    for (const db of this.dbs) {
      // 50 misses: far more than the creates that can fail in a row in one poll interval.
      for (let id = this.nextId.get(db.name)!, misses = 0; misses < 50; id++) {
        const row = db.get('sale.order', id);
        if (!row) {
          misses++;
          continue;
        }
        misses = 0;
        this.nextId.set(db.name, id + 1);
        const ref = String(row.client_order_ref);
        if (!this.seenAt.has(ref)) this.seenAt.set(ref, at);
      }
    }
  }

  /** Sale orders stored in `db` so far (its ids start at 1; a gap only when a create failed). */
  storedIn(db: string): number {
    return (this.nextId.get(db) ?? 1) - 1;
  }
}

/**
 * Reads `sales.order.upserted.v1` in its own consumer group and keeps each order's Kafka timestamp (set by
 * the salla-connector's producer when it published the canonical event). Joined before any order is sent.
 */
export class CanonicalOrderWatch {
  /** referenceId → CreateTime of its first canonical event, epoch ms. */
  readonly publishedAt = new Map<string, number>();

  private constructor(private readonly consumer: Consumer) {}

  static async start(
    brokers: string,
    groupId: string,
    storeIds: ReadonlySet<string>,
  ): Promise<CanonicalOrderWatch> {
    const kafka = new Kafka({ clientId: groupId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    const watch = new CanonicalOrderWatch(consumer);
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.connect();
    await consumer.subscribe({ topics: [Topic.SalesOrderUpserted], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as {
          storeId?: string;
          payload?: { referenceId?: string };
        };
        const ref = envelope.payload?.referenceId;
        if (
          envelope.storeId !== undefined &&
          storeIds.has(envelope.storeId) &&
          ref !== undefined &&
          !watch.publishedAt.has(ref)
        )
          watch.publishedAt.set(ref, Number(message.timestamp));
        return Promise.resolve();
      },
    });
    await joined;
    return watch;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
