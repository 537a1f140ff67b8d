import { integrationEnv, uniqueName } from '@app/testing';

import {
  defineStoreScopedSchema,
  isDuplicateKeyError,
  MongoConnection,
  PersistenceLogger,
  StoreScopedRepository,
  sweepOlderThan,
  TimestampFields,
} from '../src';

interface Order extends TimestampFields {
  storeId: string;
  orderId: string;
  status: string;
  total?: number;
  firstSeenAt?: Date;
}

const orderSchema = defineStoreScopedSchema<Order>({
  orderId: { type: String, required: true },
  status: { type: String, required: true },
  total: Number,
  firstSeenAt: Date,
});
orderSchema.index({ storeId: 1, orderId: 1 }, { unique: true });

class OrderRepository extends StoreScopedRepository<Order> {
  async findByStatus(storeId: string, status: string): Promise<Order[]> {
    return this.model
      .find(this.scope(storeId, { status }, 'findByStatus'))
      .lean<Order[]>()
      .exec();
  }
}

interface Receipt {
  storeId: string;
  receivedAt: Date;
  n: number;
}

describe('StoreScopedRepository against a real MongoDB-wire server', () => {
  const dbName = uniqueName('persistence-repo');
  const lines: string[] = [];
  const logger: PersistenceLogger = {
    log: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
  let mongo: MongoConnection;
  let orders: OrderRepository;
  let Receipts: ReturnType<typeof registerReceipts>;

  function registerReceipts(m: MongoConnection) {
    return m.model<Receipt>('Receipt', defineStoreScopedSchema<Receipt>({ receivedAt: Date, n: Number }));
  }

  beforeAll(async () => {
    mongo = new MongoConnection({ uri: integrationEnv().mongoUri, dbName, logger });
    orders = new OrderRepository(mongo.model<Order>('Order', orderSchema));
    Receipts = registerReceipts(mongo);
    mongo.start();
    await mongo.whenReady(20_000);
  });

  afterAll(async () => {
    await mongo.connection.db?.dropDatabase();
    await mongo.close();
  });

  it('creates the indexes of every registered model once connected, and logs them', async () => {
    const indexes = await orders['model'].collection.indexes();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { storeId: 1 } }),
        expect.objectContaining({ key: { storeId: 1, orderId: 1 }, unique: true }),
      ]),
    );
    expect(lines.join('\n')).toContain(
      `ensured 2 index(es) on ${dbName}.orders: storeId_1, storeId_1_orderId_1 (unique)`,
    );
    await expect(mongo.ping()).resolves.toBeUndefined();
    expect(mongo.state).toBe('connected');
  });

  it('store A never sees, changes or deletes store B documents', async () => {
    await orders.insert('store-a', { orderId: '1', status: 'new', total: 10 });
    await orders.insert('store-a', { orderId: '2', status: 'paid', total: 20 });
    await orders.insert('store-b', { orderId: '1', status: 'new', total: 99 });

    expect((await orders.findOne('store-a', { orderId: '1' }))?.total).toBe(10);
    expect((await orders.findOne('store-b', { orderId: '1' }))?.total).toBe(99);
    expect(await orders.findOne('store-b', { orderId: '2' })).toBeNull();
    expect((await orders.find('store-a', {}, { sort: { orderId: 1 } })).map((o) => o.orderId)).toEqual([
      '1',
      '2',
    ]);
    expect(
      (await orders.find('store-a', {}, { sort: { orderId: -1 }, limit: 1 })).map((o) => o.orderId),
    ).toEqual(['2']);
    expect(await orders.count('store-b')).toBe(1);
    expect((await orders.findByStatus('store-b', 'paid')).length).toBe(0);

    expect(await orders.updateMany('store-a', {}, { $set: { status: 'archived' } })).toEqual({
      matched: 2,
      modified: 2,
    });
    expect((await orders.findOne('store-b', { orderId: '1' }))?.status).toBe('new');
    expect(await orders.updateOne('store-b', { orderId: '2' }, { $set: { status: 'x' } })).toEqual({
      matched: 0,
      modified: 0,
    });

    expect(await orders.deleteMany('store-b', { orderId: '2' })).toBe(0);
    expect(await orders.deleteMany('store-a', { orderId: '2' })).toBe(1);
    expect(await orders.count('store-b')).toBe(1);

    expect(await orders.deleteAllForStore('store-a')).toBe(1);
    expect(await orders.count('store-a')).toBe(0);
    expect(await orders.count('store-b')).toBe(1);
  });

  it('upsert by natural key is idempotent and keeps insert-only fields', async () => {
    const firstSeenAt = new Date('2024-01-01T00:00:00Z');
    const first = await orders.upsert(
      'store-u',
      { orderId: '7' },
      { status: 'new', total: 1 },
      { setOnInsert: { firstSeenAt } },
    );
    const again = await orders.upsert(
      'store-u',
      { orderId: '7' },
      { status: 'new', total: 1 },
      { setOnInsert: { firstSeenAt: new Date() } },
    );
    const changed = await orders.upsert('store-u', { orderId: '7' }, { status: 'paid' });
    expect(await orders.count('store-u', { orderId: '7' })).toBe(1);
    expect(again._id.equals(first._id)).toBe(true);
    expect(changed).toMatchObject({
      storeId: 'store-u',
      orderId: '7',
      status: 'paid',
      total: 1,
      firstSeenAt,
    });
    expect(changed.createdAt?.getTime()).toBe(first.createdAt?.getTime());
    expect(changed.updatedAt!.getTime()).toBeGreaterThanOrEqual(first.updatedAt!.getTime());

    // The same natural key in another store is another document.
    await orders.upsert('store-v', { orderId: '7' }, { status: 'new' });
    expect(await orders.count('store-u')).toBe(1);
    expect(await orders.count('store-v')).toBe(1);
  });

  it('concurrent upserts of one key leave one document', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => orders.upsert('store-c', { orderId: 'race' }, { status: `s${i}` })),
    );
    expect(await orders.count('store-c', { orderId: 'race' })).toBe(1);
  });

  it('the unique index rejects a duplicate natural key within a store', async () => {
    await orders.insert('store-d', { orderId: 'dup', status: 'new' });
    const err: unknown = await orders
      .insert('store-d', { orderId: 'dup', status: 'new' })
      .catch((e: unknown) => e);
    expect(isDuplicateKeyError(err)).toBe(true);
    await expect(orders.insert('store-e', { orderId: 'dup', status: 'new' })).resolves.toMatchObject({
      storeId: 'store-e',
    });
  });

  it('sweepOlderThan deletes old documents in batches, per store or across stores explicitly', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    const fresh = new Date();
    const docs = [
      ...Array.from({ length: 5 }, (_, n) => ({ storeId: 'store-a', receivedAt: old, n })),
      ...Array.from({ length: 3 }, (_, n) => ({ storeId: 'store-b', receivedAt: old, n })),
      { storeId: 'store-a', receivedAt: fresh, n: 99 },
      { storeId: 'store-b', receivedAt: fresh, n: 99 },
    ];
    await Receipts.insertMany(docs);
    const cutoff = new Date('2021-01-01T00:00:00Z');

    expect(
      await sweepOlderThan(Receipts, 'receivedAt', cutoff, { storeId: 'store-a', batchSize: 2 }),
    ).toEqual({
      deleted: 5,
      batches: 3,
      truncated: false,
    });
    expect(await Receipts.countDocuments({ storeId: 'store-a' })).toBe(1);
    expect(await Receipts.countDocuments({ storeId: 'store-b' })).toBe(4);

    expect(
      await sweepOlderThan(Receipts, 'receivedAt', cutoff, { allStores: true, batchSize: 1, maxBatches: 2 }),
    ).toEqual({
      deleted: 2,
      batches: 2,
      truncated: true,
    });
    expect(await sweepOlderThan(Receipts, 'receivedAt', cutoff, { allStores: true })).toEqual({
      deleted: 1,
      batches: 1,
      truncated: false,
    });
    expect((await Receipts.find({}).lean()).map((r) => r.n)).toEqual([99, 99]);
  });
});
