import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const SALLA_STORE_MODEL = 'SallaStore';

export type SallaStoreStatus = 'installed' | 'uninstalled';

/**
 * What the connector knows about one installation: whether it may call Salla at all, the plan (which sets the
 * API rate limit) and the currency (the fallback for prices that omit it). No owner, no contact data: only
 * what sync and support need.
 */
export interface SallaStore extends TimestampFields {
  storeId: string;
  status: SallaStoreStatus;
  installedAt?: Date | null;
  uninstalledAt?: Date | null;
  /*
   * Salla's times (webhook `created_at`) of the latest events applied, kept whatever follows: an app event older
   * than the state it would change is a late retry (StoreLifecycle.staleReason).
   */
  /** Latest `app.store.authorize` (or our OAuth exchange): older tokens are stale. */
  authorizedAt?: Date | null;
  /** Latest `app.installed` or `app.store.authorize`: an older uninstall is stale. */
  installEventAt?: Date | null;
  /** Latest `app.uninstalled`: an older install or authorize is stale. */
  uninstallEventAt?: Date | null;
  scopes?: string[];
  name?: string | null;
  domain?: string | null;
  plan?: string | null;
  currency?: string | null;
  /** Latest trial/subscription event ('trial.started', 'subscription.expired', …), shown to support. */
  subscription?: string | null;
  /** When the Odoo connector last reported the store's Odoo connection verified. */
  syncReadyAt?: Date | null;
  profileReadAt?: Date | null;
}

export const sallaStoreSchema = defineStoreScopedSchema<SallaStore>(
  {
    status: { type: String, required: true, enum: ['installed', 'uninstalled'] },
    installedAt: { type: Date, default: null },
    uninstalledAt: { type: Date, default: null },
    authorizedAt: { type: Date, default: null },
    installEventAt: { type: Date, default: null },
    uninstallEventAt: { type: Date, default: null },
    scopes: { type: [String], default: undefined },
    name: { type: String, default: null },
    domain: { type: String, default: null },
    plan: { type: String, default: null },
    currency: { type: String, default: null },
    subscription: { type: String, default: null },
    syncReadyAt: { type: Date, default: null },
    profileReadAt: { type: Date, default: null },
  },
  { collection: 'salla_stores' },
  { oneDocumentPerStore: true },
);
