import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';

import {
  CategoryUpserted,
  CustomerUpserted,
  type EventEnvelope,
  PaymentMethodUpserted,
  ProductUpserted,
  SalesOrderCancelled,
  SalesOrderRefunded,
  SalesOrderUpserted,
  ShippingMethodUpserted,
  Topic,
} from '@app/contracts';
import { KafkaEvent, KafkaEventContext } from '@app/messaging';

import { CarriersAndPayments } from './carriers-and-payments';
import { Orders } from './orders';
import { Partners } from './partners';
import { Products } from './products';
import { SyncRunner } from './sync-runner';

/**
 * Salla → Odoo: every canonical upsert, live and backfill twin alike (same payloads), applied idempotently
 * (backfill categories, products and orders go in batches: BackfillBatchHandler).
 * Each method only names the entity; the SyncRunner frames it (client, activity log, error classes).
 */
@Controller()
export class SyncEventsHandler {
  constructor(
    private readonly runner: SyncRunner,
    private readonly products: Products,
    private readonly partners: Partners,
    private readonly orders: Orders,
    private readonly carriers: CarriersAndPayments,
  ) {}

  @KafkaEvent(Topic.CatalogCategoryUpserted, CategoryUpserted)
  onCategory(@Payload() e: EventEnvelope<CategoryUpserted>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.category(e, ctx);
  }

  @KafkaEvent(Topic.CatalogProductUpserted, ProductUpserted)
  onProduct(@Payload() e: EventEnvelope<ProductUpserted>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.product(e, ctx);
  }

  @KafkaEvent(Topic.CustomerUpserted, CustomerUpserted)
  onCustomer(@Payload() e: EventEnvelope<CustomerUpserted>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const customer = e.payload;
    return this.runner.run(e, ctx, {
      entityType: 'customer',
      entityId: customer.customerId,
      apply: async (odoo) => {
        const bound = await this.partners.ensure(
          odoo,
          customer,
          { customerId: customer.customerId, guestKey: '' },
          true,
        );
        return { outcome: 'ok', message: `Customer ${bound.created ? 'created' : 'updated'} in Odoo` };
      },
    });
  }

  @KafkaEvent(Topic.ShippingMethodUpserted, ShippingMethodUpserted)
  onShipping(
    @Payload() e: EventEnvelope<ShippingMethodUpserted>,
    @Ctx() ctx: KafkaEventContext,
  ): Promise<void> {
    return this.shipping(e, ctx);
  }

  @KafkaEvent(Topic.BackfillShippingMethodUpserted, ShippingMethodUpserted)
  onBackfillShipping(
    @Payload() e: EventEnvelope<ShippingMethodUpserted>,
    @Ctx() ctx: KafkaEventContext,
  ): Promise<void> {
    return this.shipping(e, ctx);
  }

  @KafkaEvent(Topic.PaymentMethodUpserted, PaymentMethodUpserted)
  onPayment(
    @Payload() e: EventEnvelope<PaymentMethodUpserted>,
    @Ctx() ctx: KafkaEventContext,
  ): Promise<void> {
    return this.payment(e, ctx);
  }

  @KafkaEvent(Topic.BackfillPaymentMethodUpserted, PaymentMethodUpserted)
  onBackfillPayment(
    @Payload() e: EventEnvelope<PaymentMethodUpserted>,
    @Ctx() ctx: KafkaEventContext,
  ): Promise<void> {
    return this.payment(e, ctx);
  }

  @KafkaEvent(Topic.SalesOrderUpserted, SalesOrderUpserted)
  onOrder(@Payload() e: EventEnvelope<SalesOrderUpserted>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.order(e, ctx);
  }

  @KafkaEvent(Topic.SalesOrderCancelled, SalesOrderCancelled)
  onCancelled(
    @Payload() e: EventEnvelope<SalesOrderCancelled>,
    @Ctx() ctx: KafkaEventContext,
  ): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'order',
      entityId: e.payload.orderId,
      apply: (odoo) => this.orders.applyCancelled(odoo, e.payload),
    });
  }

  @KafkaEvent(Topic.SalesOrderRefunded, SalesOrderRefunded)
  onRefunded(@Payload() e: EventEnvelope<SalesOrderRefunded>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'order',
      entityId: e.payload.orderId,
      apply: (odoo) => this.orders.applyRefunded(odoo, e.payload),
    });
  }

  private category(e: EventEnvelope<CategoryUpserted>, ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'category',
      entityId: e.payload.categoryId,
      apply: (odoo) => this.products.applyCategory(odoo, e.payload),
    });
  }

  private product(e: EventEnvelope<ProductUpserted>, ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'product',
      entityId: e.payload.productId,
      apply: (odoo) => this.products.applyProduct(odoo, e.payload),
    });
  }

  private shipping(e: EventEnvelope<ShippingMethodUpserted>, ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'shipping_method',
      entityId: e.payload.methodId,
      apply: (odoo) => this.carriers.applyShipping(odoo, e.payload),
    });
  }

  private payment(e: EventEnvelope<PaymentMethodUpserted>, ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'payment_method',
      entityId: e.payload.methodId,
      apply: (odoo) => this.carriers.applyPayment(odoo, e.payload),
    });
  }

  private order(e: EventEnvelope<SalesOrderUpserted>, ctx: KafkaEventContext): Promise<void> {
    return this.runner.run(e, ctx, {
      entityType: 'order',
      entityId: e.payload.orderId,
      apply: (odoo) => this.orders.applyUpsert(odoo, e.payload),
    });
  }
}
