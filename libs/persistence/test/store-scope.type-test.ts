// Compile-time proof that store scope cannot be forgotten. This file is never run: `npm run typecheck`
// compiles it, and every `@ts-expect-error` below must be a real error or the typecheck fails.
import type { Model } from 'mongoose';

import { StoreFilter, StoreScopedRepository, sweepOlderThan, TimestampFields } from '../src';

interface Order extends TimestampFields {
  storeId: string;
  orderId: string;
  total: number;
}

export async function typeChecks(
  repo: StoreScopedRepository<Order>,
  model: Model<Order>,
  maybe: string | undefined,
): Promise<void> {
  // Scoped calls compile.
  await repo.findOne('store-1', { orderId: '1' });
  await repo.find('store-1', {}, { limit: 10, sort: { createdAt: -1 } });
  await repo.upsert('store-1', { orderId: '1' }, { total: 5 });
  await repo.insert('store-1', { orderId: '2', total: 1 });
  await repo.deleteMany('store-1', { orderId: '2' });
  await sweepOlderThan(model, 'createdAt', new Date(), { storeId: 'store-1' });
  await sweepOlderThan(model, 'createdAt', new Date(), { allStores: true });
  const scoped: StoreFilter<Order> = { storeId: 'store-1', orderId: '1' };
  void scoped;

  // @ts-expect-error a filter in the store id's place: the store id is missing
  await repo.findOne({ orderId: '1' });
  // @ts-expect-error no arguments: the store id is required
  await repo.find();
  // @ts-expect-error a filter in the store id's place
  await repo.find({ storeId: 'store-1' });
  // @ts-expect-error no store id
  await repo.count();
  // @ts-expect-error the store id may not be undefined
  await repo.count(undefined);
  // @ts-expect-error the store id may be undefined here, which strict mode refuses
  await repo.findOne(maybe, { orderId: '1' });
  // @ts-expect-error a number is not a store id
  await repo.findOne(42, { orderId: '1' });
  // @ts-expect-error upsert without a store id
  await repo.upsert({ orderId: '1' }, { total: 5 });
  // @ts-expect-error insert without a store id
  await repo.insert({ storeId: 'store-1', orderId: '2', total: 1 });
  // @ts-expect-error the document may not carry its own storeId: the repository sets it
  await repo.insert('store-1', { storeId: 'store-2', orderId: '2', total: 1 });
  // @ts-expect-error updateOne without a store id
  await repo.updateOne({ orderId: '1' }, { $set: { total: 1 } });
  // @ts-expect-error deleteMany without a store id
  await repo.deleteMany({ orderId: '1' });
  // @ts-expect-error deleteMany of a whole store needs an explicit filter (or deleteAllForStore)
  await repo.deleteMany('store-1');
  // @ts-expect-error erasure without a store id
  await repo.deleteAllForStore();
  // @ts-expect-error a StoreFilter without storeId
  const unscoped: StoreFilter<Order> = { orderId: '1' };
  void unscoped;
  // @ts-expect-error a sweep must say which store, or allStores: true
  await sweepOlderThan(model, 'createdAt', new Date(), { batchSize: 10 });
  // @ts-expect-error a sweep cannot be both scoped and across stores
  await sweepOlderThan(model, 'createdAt', new Date(), { storeId: 'store-1', allStores: true });
  // @ts-expect-error the sweep field must be a field of the document
  await sweepOlderThan(model, 'nope', new Date(), { allStores: true });
}
