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

  /**
   * Why an app event is older than the installation state it would change, or null to apply it. Salla retries
   * a failed delivery 3 times about 5 minutes apart, so an uninstall can arrive after the reinstall that
   * followed it (applied, it would erase the new installation), and an authorize or install after the uninstall
   * that ended its installation (applied, it would keep dead tokens of an uninstalled store, or revive it).
   * Compared in Salla's own times: each webhook's `created_at`, which its retries repeat.
   */
  async staleReason(storeId: string, effects: readonly StoreEffect[]): Promise<string | null> {
    const store = await this.stores.getFresh(storeId);
    if (!store) return null;
    const newer = (known: Date | null | undefined, eventAt: string): known is Date =>
      !!known && known.getTime() > Date.parse(eventAt);
    for (const effect of effects) {
      const { kind } = effect;
      if (kind === 'uninstalled' && newer(store.installEventAt, effect.eventAt))
        return `an uninstall of ${effect.eventAt} came after the app was installed again (${store.installEventAt.toISOString()})`;
      if ((kind === 'tokens' || kind === 'installed') && newer(store.uninstallEventAt, effect.eventAt))
        return `an install of ${effect.eventAt} came after the app was uninstalled (${store.uninstallEventAt.toISOString()})`;
      if (kind === 'tokens' && newer(store.authorizedAt, effect.eventAt))
        return `tokens issued ${effect.eventAt} came after newer ones (${store.authorizedAt.toISOString()})`;
    }
    return null;
  }

  async apply(storeId: string, effect: StoreEffect, origin: EventOrigin): Promise<void> {
    switch (effect.kind) {
      case 'tokens':
        // Tokens are (re)issued on install and after every app update; they also revive a reinstalled store.
        await this.stores.update(storeId, {
          status: 'installed',
          uninstalledAt: null,
          authorizedAt: new Date(effect.eventAt),
          installEventAt: await this.latest(storeId, 'installEventAt', effect.eventAt),
        });
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
          installEventAt: await this.latest(storeId, 'installEventAt', effect.eventAt),
          scopes: effect.scopes,
        });
        await this.profile.refresh(storeId, origin);
        return;
      case 'updated':
        await this.profile.refresh(storeId, origin);
        return;
      case 'uninstalled': {
        const at = new Date(effect.at);
        await this.stores.update(storeId, {
          status: 'uninstalled',
          uninstalledAt: at,
          uninstallEventAt: await this.latest(storeId, 'uninstallEventAt', effect.eventAt),
        });
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

  /** The later of the stored time and this event's: an older event that was still applied never moves it back. */
  private async latest(
    storeId: string,
    field: 'installEventAt' | 'uninstallEventAt',
    eventAt: string,
  ): Promise<Date> {
    const stored = (await this.stores.getFresh(storeId))?.[field];
    const at = new Date(eventAt);
    return stored && stored.getTime() > at.getTime() ? stored : at;
  }
}
