import mongoose, { Schema } from 'mongoose';

import {
  defineStoreScopedSchema,
  MissingStoreScopeError,
  NotStoreScopedSchemaError,
  StoreScopedRepository,
  StoreScopeViolationError,
  sweepOlderThan,
} from '../src';

interface Order {
  storeId: string;
  orderId: string;
  total: number;
}

// A model on a connection that never opens: every refusal below must happen before any I/O.
const conn = mongoose.createConnection();
const OrderModel = conn.model<Order>(
  'ScopeUnitOrder',
  defineStoreScopedSchema<Order>({ orderId: String, total: Number }),
);
const repo = new StoreScopedRepository<Order>(OrderModel);

const blankStoreIds: Array<[string, unknown]> = [
  ['an empty string', ''],
  ['whitespace', '   '],
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['an object', { $ne: null }],
];

describe('StoreScopedRepository refuses to run without a store id', () => {
  afterAll(async () => {
    await conn.close();
  });

  it.each(blankStoreIds)(
    'every method rejects %s as the store id with MissingStoreScopeError',
    async (_label, storeId) => {
      const id = storeId as string;
      const calls: Array<() => Promise<unknown>> = [
        () => repo.findOne(id, { orderId: '1' }),
        () => repo.find(id),
        () => repo.count(id),
        () => repo.insert(id, { orderId: '1', total: 1 }),
        () => repo.upsert(id, { orderId: '1' }, { total: 1 }),
        () => repo.updateOne(id, { orderId: '1' }, { $set: { total: 2 } }),
        () => repo.updateMany(id, {}, { $set: { total: 2 } }),
        () => repo.deleteMany(id, { orderId: '1' }),
        () => repo.deleteAllForStore(id),
        () => sweepOlderThan(OrderModel, 'orderId', new Date(), { storeId: id }),
      ];
      for (const call of calls) await expect(call()).rejects.toBeInstanceOf(MissingStoreScopeError);
    },
  );

  it('the error says what was refused and why', async () => {
    await expect(repo.findOne('')).rejects.toThrow(
      'ScopeUnitOrder.findOne: refused, a store-scoped operation needs a non-empty storeId string (got an empty string)',
    );
  });

  it('a filter naming another store (or an operator on storeId) is refused', async () => {
    await expect(repo.find('store-a', { storeId: 'store-b' })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(repo.find('store-a', { storeId: { $in: ['store-a', 'store-b'] } })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(repo.count('store-a', { storeId: { $ne: 'x' } })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
  });

  it('an update that would move a document to another store or drop its store id is refused', async () => {
    await expect(repo.updateOne('store-a', {}, { $set: { storeId: 'store-b' } })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(repo.updateOne('store-a', {}, { storeId: 'store-b' })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(repo.updateMany('store-a', {}, { $unset: { storeId: 1 } })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(repo.updateMany('store-a', {}, { $rename: { storeId: 'was' } })).rejects.toBeInstanceOf(
      StoreScopeViolationError,
    );
    await expect(
      repo.updateOne('store-a', {}, [{ $set: { storeId: 'store-b' } }] as never),
    ).rejects.toBeInstanceOf(StoreScopeViolationError);
    await expect(
      repo.upsert('store-a', { orderId: '1' }, { storeId: 'store-b' } as never),
    ).rejects.toBeInstanceOf(StoreScopeViolationError);
  });

  it('a repository cannot be built on a schema without an indexed storeId', () => {
    const plain = conn.model('ScopeUnitPlain', new Schema({ storeId: String, name: String }));
    expect(() => new StoreScopedRepository(plain as never)).toThrow(NotStoreScopedSchemaError);
    const noStore = conn.model('ScopeUnitNoStore', new Schema({ name: String }));
    expect(() => new StoreScopedRepository(noStore as never)).toThrow(NotStoreScopedSchemaError);
  });

  it('a sweep across stores must be asked for explicitly', async () => {
    await expect(sweepOlderThan(OrderModel, 'orderId', new Date(), {} as never)).rejects.toBeInstanceOf(
      MissingStoreScopeError,
    );
    await expect(
      sweepOlderThan(OrderModel, 'orderId', new Date('nope'), { allStores: true }),
    ).rejects.toThrow(/valid Date/);
    await expect(
      sweepOlderThan(OrderModel, 'orderId', new Date(), { allStores: true, batchSize: 0 }),
    ).rejects.toThrow(/batchSize/);
  });
});

describe('defineStoreScopedSchema', () => {
  it('always has a required, indexed storeId and the shared options', () => {
    const schema = defineStoreScopedSchema<Order>({ orderId: String, total: Number });
    const path = schema.path('storeId') as unknown as { instance: string; options: { required: boolean } };
    expect(path.instance).toBe('String');
    expect(path.options.required).toBe(true);
    expect(schema.indexes()).toEqual(
      expect.arrayContaining([[{ storeId: 1 }, expect.objectContaining({ background: true })]]),
    );
    expect(schema.get('timestamps')).toBe(true);
    expect(schema.get('bufferCommands')).toBe(false);
  });

  it('a blank storeId fails validation', async () => {
    const doc = new OrderModel({ storeId: '  ', orderId: '1', total: 1 });
    await expect(doc.validate()).rejects.toThrow(/storeId must be a non-empty string/);
  });
});
