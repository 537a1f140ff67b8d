import { Injectable } from '@nestjs/common';

import type { EventOrigin } from '@app/contracts';

import { BackfillRunsRepository } from '../backfill/backfill-runs.repository';
import { PendingStockSetsRepository } from '../stock/pending-stock-sets.repository';
import { SallaTokenVault } from '../tokens';
import type { StoreEffect } from '../translation';

import { StoreProfileReader } from './store-profile.reader';
import { StoresRepository } from './stores.repository';

/**
 * Applies what an app event means for the installation: tokens kept (sealed), the store registered or
 * retired, its profile read. Uninstall is final at once: tokens deleted, open backfills cancelled, pending
 * stock dropped — from then on nothing calls Salla for the store.
 */
@Injectable()
export class StoreLifecycle {
  constructor(
    private readonly stores: StoresRepository,
    private readonly tokens: SallaTokenVault,
    private readonly profile: StoreProfileReader,
    private readonly runs: BackfillRunsRepository,
    private readonly pendingStock: PendingStockSetsRepository,
  ) {}

  async apply(storeId: string, effect: StoreEffect, origin: EventOrigin): Promise<void> {
    switch (effect.kind) {
      case 'tokens':
        // Tokens are (re)issued on install and after every app update; they also revive a reinstalled store.
        await this.stores.update(storeId, { status: 'installed', uninstalledAt: null });
        await this.tokens.store(storeId, {
          accessToken: effect.accessToken,
          refreshToken: effect.refreshToken,
          expiresAt: new Date(effect.expiresAt),
          scopes: effect.scopes,
        });
        await this.profile.refresh(storeId, origin);
        return;
      case 'installed':
        await this.stores.update(storeId, {
          status: 'installed',
          installedAt: new Date(effect.installedAt),
          uninstalledAt: null,
          scopes: effect.scopes,
        });
        await this.profile.refresh(storeId, origin);
        return;
      case 'updated':
        await this.profile.refresh(storeId, origin);
        return;
      case 'uninstalled': {
        const at = new Date(effect.at);
        await this.stores.update(storeId, { status: 'uninstalled', uninstalledAt: at });
        await this.tokens.markUninstalled(storeId);
        await this.runs.cancelAll(storeId, 'the app was uninstalled', at);
        await this.pendingStock.deleteAllForStore(storeId);
        return;
      }
      case 'subscription':
        await this.stores.update(storeId, { subscription: effect.state });
        return;
    }
  }
}
