import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const STORE_VIEW_MODEL = 'AdminStoreView';
export const STORE_VIEW_COLLECTION = 'admin_store_views';

export type InstallState = 'installed' | 'uninstalled' | 'unknown';

/** The later of the two lifecycle events wins (an uninstall followed by a reinstall is installed). */
export function installStateOf(v: Pick<StoreView, 'installedAt' | 'uninstalledAt'>): InstallState {
  if (v.uninstalledAt && (!v.installedAt || v.uninstalledAt >= v.installedAt)) return 'uninstalled';
  return v.installedAt ? 'installed' : 'unknown';
}

export type OdooConnectionState = 'unknown' | 'connected' | 'failing';

/**
 * What support sees of one store, projected from the lifecycle topics and the connectors' sync results.
 * Each field is written by one kind of event with `$set`/`$max`, so a redelivered event changes nothing.
 */
export interface StoreView extends TimestampFields {
  storeId: string;
  installedAt?: Date;
  uninstalledAt?: Date;
  installState?: InstallState;
  /** Business data (support needs a grant): the store's name and storefront address. */
  name?: string;
  domain?: string;
  plan?: string;
  currency?: string;
  storeType?: string;
  profileReadAt?: Date;
  odooState?: OdooConnectionState;
  odooVersion?: string;
  odooConnectedAt?: Date;
  odooLastErrorCode?: string;
  odooStateAt?: Date;
  lastSyncAt?: Date;
  lastFailureAt?: Date;
  syncOk?: number;
  syncSkipped?: number;
  syncFailed?: number;
}

export const storeViewSchema = defineStoreScopedSchema<StoreView>(
  {
    installedAt: Date,
    uninstalledAt: Date,
    installState: { type: String, enum: ['installed', 'uninstalled', 'unknown'] },
    name: String,
    domain: String,
    plan: String,
    currency: String,
    storeType: String,
    profileReadAt: Date,
    odooState: { type: String, enum: ['unknown', 'connected', 'failing'] },
    odooVersion: String,
    odooConnectedAt: Date,
    odooLastErrorCode: String,
    odooStateAt: Date,
    lastSyncAt: Date,
    lastFailureAt: Date,
    syncOk: Number,
    syncSkipped: Number,
    syncFailed: Number,
  },
  { collection: STORE_VIEW_COLLECTION },
  { oneDocumentPerStore: true },
);
storeViewSchema.index({ lastSyncAt: -1 });
