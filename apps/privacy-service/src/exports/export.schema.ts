import { Schema } from 'mongoose';

import type { EncryptedValue } from '@app/contracts';
import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const EXPORT_MODEL = 'PrivacyExport';
export const EXPORT_COLLECTION = 'privacy_exports';

export interface StoredExportPart {
  outcome: string;
  recordCount: number;
  content?: EncryptedValue;
  receivedAt: Date;
}

/**
 * A store's configuration export: parts arrive from each service (sealed), then one JSON document sealed
 * under the store's key (so an erasure's shred makes it unreadable too). Class `finished_exports`, swept
 * by `finishedAt`; retrievable until `expiresAt`.
 */
export interface StoreExport extends TimestampFields {
  _id: string;
  storeId: string;
  status: 'pending' | 'completed' | 'failed';
  requestedAt: Date;
  expectedServices: string[];
  parts: Record<string, StoredExportPart>;
  document?: EncryptedValue;
  finishedAt?: Date;
  expiresAt?: Date;
  failure?: string;
}

export const exportSchema = defineStoreScopedSchema<StoreExport>(
  {
    _id: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'completed', 'failed'] },
    requestedAt: { type: Date, required: true },
    expectedServices: { type: [String], required: true },
    parts: { type: Schema.Types.Mixed, default: {} },
    document: { type: Schema.Types.Mixed },
    finishedAt: { type: Date },
    expiresAt: { type: Date },
    failure: { type: String },
  },
  { collection: EXPORT_COLLECTION, minimize: false },
);
exportSchema.index({ finishedAt: 1 });
