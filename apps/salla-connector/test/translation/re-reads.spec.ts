import { classifyError } from '@app/messaging';
import { Topic } from '@app/contracts';

import { MalformedSallaResourceError, type SallaOrder, translate } from '../../src/translation';
import { fixtureData, inputOf, problemsOf, testDeps } from './translation-test-kit';

/*
 * Webhooks that carry only part of a resource must not emit that part: the connector reads the whole resource
 * from Salla (through the reader) and emits it complete.
 */

describe('partial product webhooks re-read the whole product', () => {
  it.each([
    'product.price.updated.json',
    'product.status.updated.json',
    'product.category.updated.json',
    'product.brand.updated.json',
    'product.tags.updated.json',
  ])('%s reads the product by its id and emits the whole product', async (file) => {
    const input = inputOf(file);
    const { deps, reader } = testDeps();

    const result = await translate(input, deps);

    expect(reader.calls).toEqual([
      { resource: 'product', storeId: input.storeId, id: String(input.data.id) },
    ]);
    expect(result.emit).toHaveLength(1);
    expect(result.emit[0].payload).toMatchObject({
      productId: String(input.data.id),
      name: 'Product-Booking-API-Date-and-Time', // from the whole product, absent from the fragment
      price: '299',
      currency: 'SAR',
    });
  });

  it('a product.created that carries the whole product is not read again', async () => {
    const { deps, reader } = testDeps();
    await translate(inputOf('product.created.json'), deps);
    expect(reader.calls).toEqual([]);
  });

  it('a product.created whose body lacks the product (only id and sku) is read in full', async () => {
    const { deps, reader } = testDeps();
    const result = await translate(inputOf('product.created.json', { data: { id: 77, sku: 'X-1' } }), deps);
    expect(reader.calls).toEqual([{ resource: 'product', storeId: '1305146709', id: '77' }]);
    expect(result.emit[0].payload).toMatchObject({
      productId: '77',
      name: 'Product-Booking-API-Date-and-Time',
    });
  });

  it('a partial product event without an id fails permanently, naming the field', async () => {
    const { deps, reader } = testDeps();
    const failure = translate(inputOf('product.price.updated.json', { data: { price: 150 } }), deps);
    await expect(failure).rejects.toThrow(MalformedSallaResourceError);
    await expect(failure).rejects.toThrow('data.id is missing');
    await failure.catch((err: unknown) => expect(classifyError(err)).toBe('permanent'));
    expect(reader.calls).toEqual([]);
  });
});

describe('order webhooks without lines or amounts re-read the order', () => {
  it('order.created with items but no amounts reads the order', async () => {
    const data = fixtureData<SallaOrder>('order.created.json');
    delete data.amounts;
    const { deps, reader } = testDeps();

    const result = await translate(inputOf('order.created.json', { data }), deps);

    expect(reader.calls).toEqual([{ resource: 'order', storeId: '1305146709', id: '2116149737' }]);
    expect(result.emit[0].payload).toMatchObject({ orderId: '2116149737', totals: { total: '196' } });
  });

  it('order.status.updated without the nested order reads it by order_id, never by the status entry id', async () => {
    const { deps, reader } = testDeps();
    const result = await translate(
      inputOf('order.status.updated.json', {
        data: { id: 198290473, status: 'تم التنفيذ', order_id: 629263027 },
      }),
      deps,
    );
    expect(reader.calls).toEqual([{ resource: 'order', storeId: '193718979', id: '629263027' }]);
    expect(result.emit[0].payload).toMatchObject({ orderId: '629263027' });
  });

  it('order.shipment.cancelled (order id, reference and number only) reads the order', async () => {
    const { deps, reader } = testDeps();
    const result = await translate(inputOf('order.shipment.cancelled.json'), deps);
    expect(reader.calls).toEqual([{ resource: 'order', storeId: '1305146709', id: '1427738113' }]);
    expect(await problemsOf(result.emit[0], '1305146709')).toEqual([]);
  });

  it('order.deleted cancels the order without reading it (it no longer exists in Salla)', async () => {
    const { deps, reader } = testDeps();
    const result = await translate({ ...inputOf('order.created.json'), event: 'order.deleted' }, deps);
    expect(reader.calls).toEqual([]);
    expect(result.emit).toEqual([
      {
        topic: Topic.SalesOrderCancelled,
        payload: {
          source: 'salla',
          orderId: '2116149737',
          referenceId: '41027662',
          cancelledAt: '2022-06-26T09:21:48.000Z',
          reason: 'the order was deleted in Salla',
        },
      },
    ]);
  });
});

describe('shipment webhooks re-read the order they belong to', () => {
  it("shipment.created reads the order and adds the shipment's tracking number the order does not show yet", async () => {
    const { deps, reader } = testDeps();
    const result = await translate(inputOf('shipment.created.json'), deps);

    expect(reader.calls).toEqual([{ resource: 'order', storeId: '136409261', id: '560695738' }]);
    expect(result.emit[0].payload).toMatchObject({
      orderId: '560695738',
      shipping: { methodId: '1833934431', trackingNumber: '4324233', courierName: 'أوتو' },
    });
  });

  it('shipment.cancelled emits the order as Salla now shows it, without the cancelled tracking number', async () => {
    const { deps, reader } = testDeps();
    const result = await translate(
      { ...inputOf('shipment.created.json'), event: 'shipment.cancelled' },
      deps,
    );
    expect(reader.calls).toHaveLength(1);
    expect(result.emit[0].payload).toMatchObject({ orderId: '560695738' });
    expect(
      (result.emit[0].payload as { shipping?: { trackingNumber?: string } }).shipping?.trackingNumber,
    ).toBeUndefined();
  });

  it('a reader failure propagates as the reader raised it (the consumer retries transient ones)', async () => {
    const { deps, reader } = testDeps();
    const outage = Object.assign(new Error('Salla answered 503'), { transient: true });
    reader.order = () => Promise.reject(outage);
    await expect(translate(inputOf('shipment.created.json'), deps)).rejects.toBe(outage);
  });
});

describe('shipping webhooks', () => {
  it("shipping.zone.created reads the zone's company and emits it as a shipping method", async () => {
    const { deps, reader } = testDeps();
    const result = await translate(inputOf('shipping.zone.created.json'), deps);
    expect(reader.calls).toEqual([{ resource: 'shippingCompany', storeId: '1305146709', id: '488260393' }]);
    expect(result.emit).toEqual([
      {
        topic: Topic.ShippingMethodUpserted,
        payload: { source: 'salla', methodId: '488260393', name: 'شركة سريع', isActive: true },
      },
    ]);
  });

  it('shipping.company.created with a name is not read again; without one it is', async () => {
    const named = testDeps();
    await translate(inputOf('shipping.company.created.json'), named.deps);
    expect(named.reader.calls).toEqual([]);

    const nameless = testDeps();
    await translate(inputOf('shipping.company.created.json', { data: { id: 488260393 } }), nameless.deps);
    expect(nameless.reader.calls).toEqual([
      { resource: 'shippingCompany', storeId: '1305146709', id: '488260393' },
    ]);
  });

  it('shipping.company.deleted deactivates the carrier (never removes it) without reading it', async () => {
    const { deps, reader } = testDeps();
    const result = await translate(
      inputOf('shipping.company.deleted.json', { data: { id: 488260393 } }),
      deps,
    );
    expect(reader.calls).toEqual([]);
    expect(result.emit[0].payload).toEqual({
      source: 'salla',
      methodId: '488260393',
      name: 'Salla shipping company 488260393',
      isActive: false,
    });
  });
});
