// Hand mappings of untyped Salla JSON: `any` is the honest type of a parsed fixture here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import 'reflect-metadata';

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import {
  CustomerUpserted,
  PayloadOf,
  payloadClassOf,
  ProductUpserted,
  SalesOrderUpserted,
  SallaWebhookReceived,
  StoreAuthorized,
  Topic,
  validateEvent,
} from '../src';
import { envelope, seal } from './examples';

/*
 * Proof that the canonical payloads carry what Salla gives: official Salla sample bodies (copied from
 * /work/shared/fixtures/salla/webhooks into test/fixtures/salla) are mapped BY HAND into payloads that validate.
 * These throwaway mappings are not the connector's mapper; they only show nothing needed is missing.
 */
const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/salla');

function fixture(name: string): { bytes: Buffer; body: any } {
  const bytes = readFileSync(path.join(FIXTURES, name));
  return { bytes, body: JSON.parse(bytes.toString('utf8')) };
}

/** Salla's PHP-style dates ({date, timezone: 'Asia/Riyadh'}); Riyadh is UTC+3 all year (no DST). */
function riyadhToUtc(local: string): string {
  const iso = `${local.replace(' ', 'T').replace(/\.\d+$/, '')}+03:00`;
  return new Date(iso).toISOString();
}

const amount = (money: { amount: number }): string => String(money.amount);
const optional = <T>(value: T | null | '' | undefined): T | undefined =>
  value === null || value === '' ? undefined : value;

async function expectValid<T extends Topic>(topic: T, payload: PayloadOf<T>, storeId: string): Promise<void> {
  const result = await validateEvent(envelope(topic, payload, { storeId }), payloadClassOf(topic), topic);
  expect(result.ok ? [] : result.problems).toEqual([]);
}

describe('Salla sample webhooks map onto canonical payloads', () => {
  it('order.created → sales.order.upserted.v1', async () => {
    const { body } = fixture('order.created.json');
    const d = body.data;
    const shipment = d.shipments[0];
    const address = d.shipping.address;
    const hasGeo = address.geo_coordinates.lat !== 0 || address.geo_coordinates.lng !== 0;

    const order: SalesOrderUpserted = {
      source: 'salla',
      orderId: String(d.id),
      referenceId: String(d.reference_id),
      status: {
        slug: d.status.slug,
        id: String(d.status.id),
        name: d.status.name,
        customStatusId: d.status.customized ? String(d.status.customized.id) : undefined,
      },
      currency: d.currency,
      placedAt: riyadhToUtc(d.date.date),
      customer: {
        customerId: String(d.customer.id),
        name: `${d.customer.first_name} ${d.customer.last_name}`,
        firstName: d.customer.first_name,
        lastName: d.customer.last_name,
        email: d.customer.email,
        phone: `${d.customer.mobile_code}${d.customer.mobile}`,
        countryCode: d.customer.country_code,
        city: d.customer.city,
      },
      lines: d.items.map((item: any) => ({
        lineId: String(item.id),
        productId: String(item.product.id),
        sku: optional(item.sku),
        name: item.name,
        quantity: item.quantity,
        unitPrice: amount(item.amounts.price_without_tax),
        discount: amount(item.amounts.total_discount),
        tax: amount(item.amounts.tax.amount),
        total: amount(item.amounts.total),
        options: item.options.flatMap((o: any) => o.value.map((v: any) => ({ name: o.name, value: v.name }))),
      })),
      shipping: {
        methodId: String(d.shipping.id),
        methodName: d.shipping.company,
        courierName: shipment?.courier_name,
        trackingNumber: optional(shipment?.tracking_number),
        address: {
          name: d.shipping.receiver.name,
          phone: d.shipping.receiver.phone,
          email: d.shipping.receiver.email,
          countryCode: address.country_code,
          city: address.city,
          district: optional(address.block),
          street: optional(address.street_number),
          postalCode: optional(address.postal_code),
          line: address.shipping_address.trim(),
          latitude: hasGeo ? address.geo_coordinates.lat : undefined,
          longitude: hasGeo ? address.geo_coordinates.lng : undefined,
        },
      },
      payment: {
        methodCode: d.payment_method,
        // A bank transfer under review has not been confirmed as received yet.
        status: d.is_pending_payment || d.status.slug === 'under_review' ? 'pending' : 'paid',
      },
      totals: {
        subtotal: amount(d.amounts.sub_total),
        shipping: amount(d.amounts.shipping_cost),
        cashOnDelivery: amount(d.amounts.cash_on_delivery),
        discount: d.amounts.discounts
          .reduce((sum: number, x: { discount: string }) => sum + Number(x.discount), 0)
          .toFixed(2),
        tax: amount(d.amounts.tax.amount),
        total: amount(d.amounts.total),
      },
      branchId: d.pickup_branch ? String(d.pickup_branch.id) : undefined,
    };

    await expectValid(Topic.SalesOrderUpserted, order, String(body.merchant));
    expect(order).toMatchObject({
      orderId: '2116149737',
      referenceId: '41027662',
      placedAt: '2022-06-26T09:21:45.000Z',
      customer: { phone: '+966501806978', countryCode: 'SA' },
      lines: [{ sku: '54534534', quantity: 1, options: [{ name: 'SIZE', value: 'BIG' }, {}, {}] }],
      shipping: { methodId: '1833934431', address: { countryCode: 'SA', city: 'جدة' } },
      payment: { methodCode: 'bank', status: 'pending' },
      totals: { subtotal: '186', shipping: '15', discount: '5.00', total: '196' },
    });
  });

  it('product.created → catalog.product.upserted.v1', async () => {
    const { body } = fixture('product.created.json');
    const d = body.data;
    const kinds: Record<string, ProductUpserted['kind']> = {
      booking: 'service',
      service: 'service',
      donating: 'service',
      digital: 'digital',
      codes: 'digital',
    };
    const product: ProductUpserted = {
      source: 'salla',
      productId: String(d.id),
      name: d.name,
      sku: optional(d.sku),
      barcode: optional(d.gtin),
      kind: kinds[d.type] ?? 'physical',
      sourceType: d.type,
      tracksInventory: !d.unlimited_quantity,
      isActive: d.status === 'sale',
      currency: d.price.currency,
      price: amount(d.price),
      salePrice: d.sale_price.amount > 0 ? amount(d.sale_price) : undefined,
      costPrice: d.cost_price === null ? undefined : String(d.cost_price),
      quantity: d.unlimited_quantity ? undefined : d.quantity,
      weightKg: d.weight_type === null ? undefined : String(d.weight),
      description: optional(d.description),
      categoryIds: d.categories.map((c: { id: number }) => String(c.id)),
      options: d.options.map((o: any) => ({
        id: String(o.id),
        name: o.name,
        values: o.values.map((v: any) => ({ id: String(v.id), name: v.name })),
      })),
      variants: d.skus.map((s: any) => ({
        variantId: String(s.id),
        sku: optional(s.sku),
        barcode: optional(s.barcode),
        price: amount(s.price),
        salePrice: s.sale_price ? amount(s.sale_price) : undefined,
        quantity: s.stock_quantity,
        options: [],
      })),
      sourceUpdatedAt: riyadhToUtc(d.updated_at),
    };

    await expectValid(Topic.CatalogProductUpserted, product, String(body.merchant));
    expect(product).toMatchObject({
      productId: '1025569331',
      kind: 'service',
      isActive: false,
      price: '299',
      quantity: 20,
      sourceUpdatedAt: '2023-04-17T09:14:21.000Z',
    });
    expect(product.sku).toBeUndefined();
    expect(product.salePrice).toBeUndefined();
  });

  it('customer.created → customer.customer.upserted.v1', async () => {
    const { body } = fixture('customer.created.json');
    const d = body.data;
    const customer: CustomerUpserted = {
      source: 'salla',
      customerId: String(d.id),
      name: `${d.first_name} ${d.last_name}`,
      firstName: d.first_name,
      lastName: d.last_name,
      email: d.email,
      phone: `${d.mobile_code}${d.mobile}`,
      countryCode: d.country_code,
      city: d.city,
      sourceUpdatedAt: riyadhToUtc(d.updated_at.date),
    };
    await expectValid(Topic.CustomerUpserted, customer, String(body.merchant));
    expect(customer.phone).toBe('+966555555555');
  });

  it('app.store.authorize → store.lifecycle.authorized.v1 with sealed tokens', async () => {
    const { body } = fixture('app.store.authorize.json');
    const d = body.data;
    const authorized: StoreAuthorized = {
      accessToken: seal(d.access_token),
      refreshToken: seal(d.refresh_token),
      expiresAt: new Date(d.expires * 1000).toISOString(),
      scopes: String(d.scope).split(' '),
      tokenType: d.token_type,
    };
    await expectValid(Topic.StoreAuthorized, authorized, String(body.merchant));
    expect(authorized.scopes).toContain('offline_access');
    expect(JSON.stringify(authorized)).not.toContain(d.access_token);
  });

  describe('raw intake (salla.webhook.received.v1)', () => {
    function received(name: string): { body: any; received: SallaWebhookReceived } {
      const { bytes, body } = fixture(name);
      const bodySha256 = createHash('sha256').update(bytes).digest('hex');
      return {
        body,
        received: {
          event: body.event,
          merchant: String(body.merchant),
          createdAt: body.created_at,
          createdAtUtc: '2022-06-26T09:21:48.000Z',
          bodySha256,
          receivedAt: new Date().toISOString(),
          data: seal(JSON.stringify(body.data)),
        },
      };
    }

    it('carries an order webhook with its data sealed, keyed for dedupe by the body hash', async () => {
      const { received: order } = received('order.created.json');
      await expectValid(Topic.SallaWebhookReceived, order, order.merchant);
    });

    it('refuses the authorize webhook with its data in plaintext: tokens never reach Kafka readable', async () => {
      const { body, received: authorize } = received('app.store.authorize.json');
      const plain = await validateEvent(
        envelope(Topic.SallaWebhookReceived, { ...authorize, data: body.data }),
        SallaWebhookReceived,
        Topic.SallaWebhookReceived,
      );
      expect(plain.ok).toBe(false);
      await expectValid(Topic.SallaWebhookReceived, authorize, authorize.merchant);
      expect(JSON.stringify(authorize)).not.toContain(body.data.access_token);
    });
  });
});
