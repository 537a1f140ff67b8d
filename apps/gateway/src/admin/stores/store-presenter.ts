import type { Stored } from '@app/persistence';

import { installStateOf, type StoreView } from './store-view.schema';

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** Operational metadata: status, counts and timestamps — what support sees of any store without a grant. */
export function storeMetadata(v: Stored<StoreView>): Record<string, unknown> {
  return {
    storeId: v.storeId,
    installState: installStateOf(v),
    installedAt: iso(v.installedAt),
    uninstalledAt: iso(v.uninstalledAt),
    plan: v.plan ?? null,
    odoo: {
      state: v.odooState ?? 'unknown',
      version: v.odooVersion ?? null,
      connectedAt: iso(v.odooConnectedAt),
      lastErrorCode: v.odooLastErrorCode ?? null,
      stateAt: iso(v.odooStateAt),
    },
    sync: {
      lastSyncAt: iso(v.lastSyncAt),
      lastFailureAt: iso(v.lastFailureAt),
      ok: v.syncOk ?? 0,
      skipped: v.syncSkipped ?? 0,
      failed: v.syncFailed ?? 0,
    },
  };
}

/** Metadata plus the store's business profile (name, domain, currency), for callers who may see it. */
export function storeDetails(v: Stored<StoreView>): Record<string, unknown> {
  return {
    ...storeMetadata(v),
    profile: {
      name: v.name ?? null,
      domain: v.domain ?? null,
      currency: v.currency ?? null,
      storeType: v.storeType ?? null,
      readAt: iso(v.profileReadAt),
    },
  };
}
