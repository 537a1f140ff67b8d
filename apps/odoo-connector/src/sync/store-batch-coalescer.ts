import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import type { OdooConnectorEnv } from '../odoo-connector.env';

/** Largest batch sent to Odoo at once: bigger create calls get slow and hold Odoo's locks longer. */
const MAX_FLUSH = 1000;

interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Buffer<T> {
  waiting: Array<Waiting<T>>;
  count: number;
  timer: NodeJS.Timeout;
  flush: (items: T[]) => Promise<void>;
}

/**
 * Gathers the backfill events of one store (and kind) that several partitions hand over at about the same
 * time into one Odoo batch: a backfill is keyed per entity, so one partition's batch holds only a sixth of a
 * store's records. Flushes when ODOO_BATCH_SIZE records are waiting or ODOO_BATCH_WAIT_MS after the first;
 * each caller's promise settles with the flush that carried its items, so nothing is committed before its
 * records are in Odoo.
 */
@Injectable()
export class StoreBatchCoalescer {
  private readonly buffers = new Map<string, Buffer<unknown>>();

  constructor(@Inject(APP_CONFIG) private readonly config: OdooConnectorEnv) {}

  /**
   * `flushAt`: records that flush the buffer at once (default ODOO_BATCH_SIZE; never above MAX_FLUSH). A larger
   * value gathers everything that arrives within ODOO_BATCH_WAIT_MS (a category tree).
   */
  add<T>(
    key: string,
    items: T[],
    flush: (items: T[]) => Promise<void>,
    flushAt: number = this.config.ODOO_BATCH_SIZE,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let buffer = this.buffers.get(key) as Buffer<T> | undefined;
      if (!buffer) {
        buffer = {
          waiting: [],
          count: 0,
          timer: setTimeout(() => this.flush(key), this.config.ODOO_BATCH_WAIT_MS),
          flush,
        };
        this.buffers.set(key, buffer as Buffer<unknown>);
      }
      buffer.waiting.push({ items, resolve, reject });
      buffer.count += items.length;
      if (buffer.count >= Math.min(flushAt, MAX_FLUSH)) this.flush(key);
    });
  }

  private flush(key: string): void {
    const buffer = this.buffers.get(key);
    if (!buffer) return;
    this.buffers.delete(key);
    clearTimeout(buffer.timer);
    const items = buffer.waiting.flatMap((w) => w.items);
    buffer.flush(items).then(
      () => buffer.waiting.forEach((w) => w.resolve()),
      (err: unknown) => buffer.waiting.forEach((w) => w.reject(err)),
    );
  }
}
