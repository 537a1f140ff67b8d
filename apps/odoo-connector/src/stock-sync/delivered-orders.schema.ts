import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const DELIVERED_ORDER_MODEL = 'OdooDeliveredOrder';

/** A Salla order whose "delivered" status was sent: a later poll that reads its delivery again sends nothing. */
export interface DeliveredOrderDoc extends TimestampFields {
  storeId: string;
  /** Salla order id. */
  orderId: string;
  /** The Odoo `sale.order` and the `stock.picking` whose validation triggered it. */
  odooOrderId: number;
  pickingName: string;
  sentAt: Date;
}

export const deliveredOrderSchema = defineStoreScopedSchema<DeliveredOrderDoc>(
  {
    orderId: { type: String, required: true },
    odooOrderId: { type: Number, required: true },
    pickingName: { type: String, required: true },
    sentAt: { type: Date, required: true },
  },
  { collection: 'odoo_delivered_orders' },
);
deliveredOrderSchema.index({ storeId: 1, orderId: 1 }, { unique: true });
