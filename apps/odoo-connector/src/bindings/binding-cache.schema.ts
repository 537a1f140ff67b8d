import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const ODOO_BINDING_MODEL = 'OdooBinding';

/**
 * Local copy of a completed binding (`ir.model.data` in Odoo is the source of truth): saves the lookup call
 * for records already synced, and remembers what was applied (`appliedAt`) so a stale upsert is skipped.
 * `_id` is the binding's external-id name, which already contains the store id.
 */
export interface OdooBindingDoc extends TimestampFields {
  _id: string;
  storeId: string;
  kind: string;
  sallaId: string;
  model: string;
  resId: number;
  /** The Odoo database `resId` lives in (`OdooClient.stamp`); null in entries written before stamps. */
  odoo?: string | null;
  /** `sourceUpdatedAt` of the last upsert applied, ISO. */
  appliedAt?: string | null;
}

export const odooBindingSchema = defineStoreScopedSchema<OdooBindingDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    sallaId: { type: String, required: true },
    model: { type: String, required: true },
    resId: { type: Number, required: true },
    odoo: { type: String, default: null },
    appliedAt: { type: String, default: null },
  },
  { collection: 'odoo_bindings' },
);
