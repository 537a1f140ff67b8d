import { Injectable } from '@nestjs/common';

import { StoreErasureGuard } from '@app/privacy-participant';

/** Salla events that start an installation (again): for an erased store they are its reinstall. */
export const STORE_INSTALL_EVENTS: ReadonlySet<string> = new Set(['app.installed', 'app.store.authorize']);

/**
 * Keeps an erased store out of the intake. Sealing a webhook would mint the store a new data key and its
 * claim would be a new document of the store, so a late webhook of an uninstalled, erased store is dropped
 * before either (Salla still gets a 200, or it would retry for nothing). An install or authorize webhook is
 * the merchant installing the app again: it lifts the erasure for every service and is accepted.
 */
@Injectable()
export class ErasedStoreGate {
  constructor(private readonly erasure: StoreErasureGuard) {}

  /** False for a webhook to drop; rejects when the erasure marks cannot be read (the caller answers 503). */
  async admits(storeId: string, event: string, receivedAt: Date): Promise<boolean> {
    if (STORE_INSTALL_EVENTS.has(event)) {
      await this.erasure.markReinstalled(storeId, receivedAt);
      return true;
    }
    return !(await this.erasure.isErased(storeId));
  }
}
