import { randomUUID } from 'node:crypto';

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';
import { APP_CONFIG } from '@app/config';
import { metrics } from '@app/observability';
import type { Stored } from '@app/persistence';

import { ActivityLog } from '../activity/activity-log';
import { SallaApiClient, SallaValidationError } from '../salla-api';
import type { SallaConnectorEnv } from '../salla-connector.env';
import { MongoLeases } from '@app/persistence';
import { describeNotCallable, StoreNotCallableError } from '../tokens';

import type { PendingStockSet } from './pending-stock-set.schema';
import { PendingStockSetsRepository } from './pending-stock-sets.repository';
import { StoreRetryBackoff } from '../store-retry-backoff';

const pushed = metrics.counter(
  'salla.stock.items.pushed',
  'Stock levels sent to Salla in bulk calls, by outcome',
);
const bulkCalls = metrics.counter('salla.stock.bulk.calls', 'POST /products/quantities/bulk calls made');

/** The item of a bulk call, in Salla's own spelling (`identifer` is how the API spells it). */
interface BulkItem {
  identifer_type: string;
  identifer: string;
  quantity: number;
  mode: 'overwrite' | 'increment' | 'decrement';
  branch?: string;
}

function toBulkItem(p: PendingStockSet): BulkItem | null {
  const base = { identifer_type: p.identifierType, identifer: p.identifier };
  const branch = p.branchId ? { branch: p.branchId } : {};
  if (p.mode === 'overwrite') return { ...base, quantity: p.quantity, mode: 'overwrite', ...branch };
  if (p.quantity === 0) return null; // increments that cancelled out: nothing to send
  return {
    ...base,
    quantity: Math.abs(p.quantity),
    mode: p.quantity > 0 ? 'increment' : 'decrement',
    ...branch,
  };
}

/** Indexes of the items Salla refused, read from `error.fields` keys such as `products.3.identifer`. */
export function refusedIndexes(fields: Record<string, unknown> | undefined): Map<number, string> {
  const refused = new Map<number, string>();
  for (const [key, messages] of Object.entries(fields ?? {})) {
    const m = /^products\.(\d+)\./.exec(key);
    if (!m) continue;
    const text = Array.isArray(messages) ? messages.map(String).join('; ') : String(messages);
    refused.set(Number(m[1]), text);
  }
  return refused;
}

/**
 * Pushes coalesced stock levels to Salla: every tick, the stores with an item that waited the coalescing
 * window get all their pending items sent in `POST /products/quantities/bulk` batches. One instance flushes a
 * store at a time (a lease), and an item is removed only when the revision that was sent is still the latest.
 */
@Injectable()
export class StockFlusher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StockFlusher.name);
  private readonly owner = `stock-flusher:${randomUUID()}`;
  private readonly task: PeriodicTask;
  private readonly backoff = new StoreRetryBackoff();
  /** Stores whose kept stock was already reported (keepUntilCallable), until Salla can be called again. */
  private readonly keptSaid = new Set<string>();
  private stopped = false;

  constructor(
    private readonly pending: PendingStockSetsRepository,
    private readonly salla: SallaApiClient,
    private readonly leases: MongoLeases,
    private readonly activity: ActivityLog,
    @Inject(APP_CONFIG) private readonly config: SallaConnectorEnv,
  ) {
    this.task = new PeriodicTask(() => this.flushDue(), {
      name: 'stock flush pass',
      everyMs: Math.max(50, Math.floor(config.STOCK_COALESCE_WINDOW_MS / 2)),
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    return this.task.stop();
  }

  /** One pass over the stores with due items (the task runs one at a time); stores Salla just failed wait. */
  private async flushDue(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.STOCK_COALESCE_WINDOW_MS);
    const stores = await this.pending.dueStores(cutoff);
    for (const storeId of stores) {
      if (this.stopped) break;
      if (!this.backoff.ready(storeId)) continue;
      await this.flushStore(storeId);
    }
  }

  private async flushStore(storeId: string): Promise<void> {
    const key = `salla-stock-flush:${storeId}`;
    if (!(await this.leases.tryAcquire(key, this.owner, 60_000))) return;
    try {
      const items = await this.pending.pendingFor(storeId, 5000);
      const size = this.config.STOCK_BULK_BATCH_SIZE;
      for (let i = 0; i < items.length; i += size) {
        const done = await this.sendBatch(storeId, items.slice(i, i + size));
        if (!done) break;
      }
    } finally {
      await this.leases.release(key, this.owner);
    }
  }

  /** Sends one batch; false when the store's remaining items must wait for a later tick. */
  private async sendBatch(storeId: string, batch: Stored<PendingStockSet>[]): Promise<boolean> {
    const sendable = batch.flatMap((p) => {
      const item = toBulkItem(p);
      return item ? [{ p, item }] : [];
    });
    for (const p of batch.filter((b) => toBulkItem(b) === null))
      await this.pending.settle(storeId, p._id, p.rev);
    let remaining = sendable;
    // At most twice: once with everything, once more without the items Salla refused by index.
    for (let attempt = 1; attempt <= 2 && remaining.length > 0; attempt++) {
      const started = Date.now();
      try {
        bulkCalls.add(1);
        await this.salla.post(
          storeId,
          '/products/quantities/bulk',
          { products: remaining.map((r) => r.item) },
          { priority: 'live' },
        );
        const durationMs = Date.now() - started;
        for (const { p, item } of remaining) {
          await this.pending.settle(storeId, p._id, p.rev);
          pushed.add(1, { outcome: 'ok' });
          await this.activity.record(storeId, {
            entityType: 'inventory',
            entityId: `${p.identifierType}:${p.identifier}`,
            outcome: 'ok',
            message: `Salla stock ${item.mode} ${item.quantity} sent (Salla applies it within minutes)`,
            eventId: p.lastEventId,
            durationMs,
          });
        }
        this.backoff.succeeded(storeId);
        this.keptSaid.delete(storeId);
        return true;
      } catch (err) {
        if (err instanceof StoreNotCallableError && err.reason === 'uninstalled') {
          await this.dropAll(storeId, remaining, `Salla cannot be called for this store (${err.reason})`);
          return false;
        }
        if (err instanceof StoreNotCallableError) {
          await this.keepUntilCallable(storeId, remaining, err);
          return false;
        }
        if (err instanceof SallaValidationError && attempt === 1) {
          const refused = refusedIndexes(err.fields);
          if (refused.size === 0) {
            await this.dropAll(storeId, remaining, `Salla refused the stock update: ${err.message}`);
            return true;
          }
          for (const [index, reason] of refused) {
            const r = remaining[index];
            if (!r) continue;
            await this.pending.settle(storeId, r.p._id, r.p.rev);
            pushed.add(1, { outcome: 'refused' });
            await this.activity.record(storeId, {
              entityType: 'inventory',
              entityId: `${r.p.identifierType}:${r.p.identifier}`,
              outcome: 'failed',
              errorCode: 'salla.validation',
              message: `Salla refused the stock level: ${reason}`,
              eventId: r.p.lastEventId,
            });
          }
          remaining = remaining.filter((_, i) => !refused.has(i));
          continue;
        }
        // Rate limit, 5xx, timeout, a token or scope Salla refused: everything stays pending, and the store
        // waits (StoreRetryBackoff) before its next try.
        const retryInMs = this.backoff.failed(storeId);
        this.logger.warn({
          msg: 'stock bulk push failed; will retry',
          storeId,
          items: remaining.length,
          retryInMs,
          err,
        });
        return false;
      }
    }
    return true;
  }

  /**
   * The merchant must authorize the app again (or its tokens never came): the stock stays pending and is sent
   * once Salla can be called — dropped, it would stay wrong in Salla, because Odoo's side records it as sent
   * and sends a SKU again only when its quantity changes. Said once per item, per process, until it can.
   */
  private async keepUntilCallable(
    storeId: string,
    items: Array<{ p: Stored<PendingStockSet> }>,
    err: StoreNotCallableError,
  ): Promise<void> {
    this.backoff.failed(storeId);
    this.logger.warn({
      msg: 'stock kept until the store can be called',
      storeId,
      items: items.length,
      reason: err.reason,
    });
    if (this.keptSaid.has(storeId)) return;
    this.keptSaid.add(storeId);
    for (const { p } of items) {
      pushed.add(1, { outcome: 'kept' });
      await this.notCallableLine(
        storeId,
        p,
        `Salla cannot be called for this store (${describeNotCallable(err.reason)}): the stock level is kept and sent once it can`,
      );
    }
  }

  private async dropAll(
    storeId: string,
    items: Array<{ p: Stored<PendingStockSet> }>,
    message: string,
  ): Promise<void> {
    for (const { p } of items) {
      await this.pending.settle(storeId, p._id, p.rev);
      pushed.add(1, { outcome: 'dropped' });
      await this.notCallableLine(storeId, p, message);
    }
  }

  private notCallableLine(storeId: string, p: Stored<PendingStockSet>, message: string): Promise<void> {
    return this.activity.record(storeId, {
      entityType: 'inventory',
      entityId: `${p.identifierType}:${p.identifier}`,
      outcome: 'failed',
      errorCode: 'salla.store_not_callable',
      message,
      eventId: p.lastEventId,
    });
  }
}
