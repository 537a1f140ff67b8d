import { Schema } from 'mongoose';

import { baseSchemaOptions } from '@app/persistence';

export const ADMIN_AUDIT_MODEL = 'AdminAuditRecord';
export const ADMIN_AUDIT_COLLECTION = 'admin_audit';

/**
 * One admin API request. NOT a store-scoped collection, on purpose: many requests concern no store (store
 * list, health, dead-letter list, the audit query itself, refused requests without credentials), and
 * compliance reads the audit across stores. Requests about a store carry its `storeId` (absent otherwise —
 * never a placeholder), so a store's erasure still finds and removes its records. Retention: class
 * `admin_access_audit`, swept by `at` under the privacy service's policy.
 */
export interface AdminAuditRecord {
  at: Date;
  /** Principal name; absent when the request carried no valid credentials. */
  actor?: string;
  roles: string[];
  via?: 'api-key' | 'jwt';
  storeId?: string;
  method: string;
  /** Route template (`/admin/v1/stores/:id`), not the concrete URL: no query strings, no tokens. */
  route: string;
  ip: string;
  userAgent?: string;
  status: number;
  outcome: 'allowed' | 'denied' | 'failed';
}

export const adminAuditSchema = new Schema<AdminAuditRecord>(
  {
    at: { type: Date, required: true },
    actor: { type: String },
    roles: { type: [String], default: [] },
    via: { type: String },
    storeId: { type: String },
    method: { type: String, required: true },
    route: { type: String, required: true },
    ip: { type: String, required: true },
    userAgent: { type: String },
    status: { type: Number, required: true },
    outcome: { type: String, required: true },
  },
  { ...baseSchemaOptions, timestamps: false, collection: ADMIN_AUDIT_COLLECTION },
);
adminAuditSchema.index({ at: -1 });
adminAuditSchema.index({ storeId: 1, at: -1 });
adminAuditSchema.index({ actor: 1, at: -1 });
