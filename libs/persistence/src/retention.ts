import type { FilterQuery, Model, Types } from 'mongoose';

import { assertStoreId } from './store-scope';

/** Which documents a sweep may touch: one store's, or, said explicitly, every store's. */
export type SweepScope = { storeId: string; allStores?: never } | { allStores: true; storeId?: never };

export type SweepOptions = SweepScope & {
  /** Documents deleted per round trip. Default 500, at most 10 000. */
  batchSize?: number;
  /** Stop after this many batches (the next sweep continues). Default: until nothing is left. */
  maxBatches?: number;
};

export interface SweepResult {
  deleted: number;
  batches: number;
  /** True when `maxBatches` stopped the sweep before it ran out of documents. */
  truncated: boolean;
}

/**
 * Retention without TTL indexes: deletes documents whose `field` (a Date) is older than `cutoff`, in batches
 * (read up to `batchSize` ids, delete those ids with the same condition), so a large backlog never becomes
 * one long delete. Safe to run concurrently with writers and with itself.
 *
 *     await sweepOlderThan(WebhookReceipt, 'receivedAt', new Date(Date.now() - 30 * DAY), { allStores: true });
 */
export async function sweepOlderThan<T>(
  model: Model<T>,
  field: Extract<keyof T, string>,
  cutoff: Date,
  options: SweepOptions,
): Promise<SweepResult> {
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime()))
    throw new Error('sweepOlderThan: cutoff must be a valid Date');
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error('sweepOlderThan: batchSize must be an integer between 1 and 10000');
  }
  const maxBatches = options.maxBatches ?? Infinity;
  const filter: Record<string, unknown> = { [field]: { $lt: cutoff } };
  if (options.allStores !== true) {
    assertStoreId(options.storeId, `${model.modelName}.sweepOlderThan`);
    filter.storeId = options.storeId;
  }

  let deleted = 0;
  let batches = 0;
  while (batches < maxBatches) {
    const ids = (
      await model
        .find(filter as FilterQuery<T>)
        .select({ _id: 1 })
        .limit(batchSize)
        .lean<Array<{ _id: Types.ObjectId }>>()
        .exec()
    ).map((d) => d._id);
    if (ids.length === 0) return { deleted, batches, truncated: false };
    const res = await model.deleteMany({ ...filter, _id: { $in: ids } }).exec();
    deleted += res.deletedCount;
    batches += 1;
    if (ids.length < batchSize) return { deleted, batches, truncated: false };
  }
  const more = await model.exists(filter);
  return { deleted, batches, truncated: more !== null };
}
