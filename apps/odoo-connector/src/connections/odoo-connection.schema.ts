import type { EncryptedValue } from '@app/contracts';
import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const ODOO_CONNECTION_MODEL = 'OdooConnection';

export const CONNECTION_STATUSES = [
  'connected',
  'invalid_credentials',
  'unreachable',
  'unsupported_version',
  'refused_url',
  'not_configured',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * How the connector reaches one store's Odoo, and whether it last could. One document per store, `_id` =
 * storeId so every write addresses it by `_id` alone. The API key stays SEALED exactly as it arrived
 * (AES-GCM with the store's data key): shredding the store's key makes it unreadable with everything else.
 */
export interface OdooConnectionDoc extends TimestampFields {
  _id: string;
  storeId: string;
  url?: string | null;
  database?: string | null;
  login?: string | null;
  apiKey?: EncryptedValue | null;
  /** The merchant's `odoo_stock_location_id` app setting: the location mirrored to Salla (null: main warehouse). */
  stockLocationId?: string | null;
  /** Detected server version ('16.0', 'saas~17.2'...). */
  version?: string | null;
  protocol?: 'json-rpc' | 'json-2' | null;
  status: ConnectionStatus;
  /** The outcome in plain words (never the key, never a traceback). */
  message: string;
  checkedAt: Date;
  syncEnabled: boolean;
  /** Bumped on every settings change: the client cache rebuilds a store's client when it moves. */
  revision: number;
  /** url + database of the last settings that connected; an unchanged pair does not redo the backfill. */
  lastConnectedTarget?: string | null;
}

export const odooConnectionSchema = defineStoreScopedSchema<OdooConnectionDoc>(
  {
    _id: { type: String, required: true },
    url: { type: String, default: null },
    database: { type: String, default: null },
    login: { type: String, default: null },
    apiKey: { type: Object, default: null },
    stockLocationId: { type: String, default: null },
    version: { type: String, default: null },
    protocol: { type: String, default: null },
    status: { type: String, required: true },
    message: { type: String, required: true },
    checkedAt: { type: Date, required: true },
    syncEnabled: { type: Boolean, required: true },
    revision: { type: Number, required: true },
    lastConnectedTarget: { type: String, default: null },
  },
  { collection: 'odoo_connections' },
  { oneDocumentPerStore: true },
);
