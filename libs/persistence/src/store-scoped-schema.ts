import { Schema, SchemaDefinition, SchemaDefinitionType, SchemaOptions } from 'mongoose';

import { NotStoreScopedSchemaError, TtlIndexNotSupportedError } from './errors';
import type { StoreScoped } from './store-scope';

/** Fields the shared `timestamps: true` option maintains; add them to a document type that reads them. */
export interface TimestampFields {
  createdAt?: Date;
  updatedAt?: Date;
}

/**
 * Options every schema of this code base shares:
 * - `timestamps`: createdAt / updatedAt maintained by mongoose;
 * - `bufferCommands: false`: an operation issued while the database is unreachable fails at once with a
 *   clear error instead of waiting silently in mongoose's buffer (see the README);
 * - `autoIndex` / `autoCreate` off: `MongoConnection` creates indexes itself once connected and logs them;
 * - `versionKey: false`: documents are written with upserts and `$set`, not optimistic concurrency;
 * - `strict`: unknown fields are dropped instead of stored.
 */
export const baseSchemaOptions = {
  timestamps: true,
  versionKey: false,
  bufferCommands: false,
  autoIndex: false,
  autoCreate: false,
  strict: true,
} as const satisfies SchemaOptions;

const nonBlank = {
  validator: (v: unknown): boolean => typeof v === 'string' && v.trim() !== '',
  message: 'storeId must be a non-empty string',
};

export interface StoreScopeOptions {
  /** One document per store (settings, tokens, keyring): the storeId index becomes unique. */
  oneDocumentPerStore?: boolean;
}

/**
 * Builds a schema for a store-scoped collection: `storeId` is always present, a required non-blank string,
 * and indexed. Add the natural-key index yourself, leading with storeId:
 *
 *     const schema = defineStoreScopedSchema<Order>({ orderId: { type: String, required: true } });
 *     schema.index({ storeId: 1, orderId: 1 }, { unique: true });
 */
export function defineStoreScopedSchema<T extends StoreScoped>(
  definition: SchemaDefinition<SchemaDefinitionType<Omit<T, 'storeId'>>>,
  options: SchemaOptions = {},
  scope: StoreScopeOptions = {},
): Schema<T> {
  const index = scope.oneDocumentPerStore ? { unique: true } : true;
  const storeId = { type: String, required: true, index, validate: nonBlank };
  const schema = new Schema(
    { ...(definition as SchemaDefinition), storeId },
    { ...baseSchemaOptions, ...options },
  );
  return schema as unknown as Schema<T>;
}

/**
 * Throws `TtlIndexNotSupportedError` when the schema (or a nested schema) declares a TTL index through
 * `expires` on a path or `expireAfterSeconds`/`expires` on `schema.index()`. Retention is a sweep.
 */
export function assertNoTtlIndexes(schema: Schema, modelName: string): void {
  for (const [fields, options] of schema.indexes()) {
    const opts = (options ?? {}) as Record<string, unknown>;
    if (opts.expires !== undefined || opts.expireAfterSeconds !== undefined) {
      throw new TtlIndexNotSupportedError(modelName, fields);
    }
  }
}

/** Throws `NotStoreScopedSchemaError` unless the schema has a String `storeId` path that leads some index. */
export function assertStoreScopedSchema(schema: Schema, modelName: string): void {
  const path = schema.path('storeId') as { instance?: string; options?: { index?: unknown } } | undefined;
  if (!path || path.instance !== 'String') throw new NotStoreScopedSchemaError(modelName);
  const indexedOnPath = Boolean(path.options?.index);
  const leadsAnIndex = schema.indexes().some(([fields]) => Object.keys(fields)[0] === 'storeId');
  if (!indexedOnPath && !leadsAnIndex) throw new NotStoreScopedSchemaError(modelName);
}
