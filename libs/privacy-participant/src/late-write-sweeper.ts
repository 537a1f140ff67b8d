import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { metrics } from '@app/observability';

import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';
import { PRIVACY_PARTICIPANT_SETTINGS, type PrivacyParticipantSettings } from './participant-settings';
import { StoreDataEraser, type StoreErasureOptions } from './store-data-eraser';
import { StoreErasureGuard } from './store-erasure-guard';

/** Any increase means a handler wrote for a store after its erasure; the sweep removed it. */
export const lateDocumentsRemoved = metrics.counter<{ service: string }>(
  'privacy.erasure.late_documents_removed',
  'Documents of an erased store written after its erasure and removed by the late-write sweep',
);

export type LateWriteSweepOutcome =
  | { outcome: 'removed'; erasedCount: number; collections: Record<string, number> }
  | { outcome: 'reinstalled' };

/**
 * The second pass of a store erasure. `StoreErasureGuard` stops the hooked handlers, but a handler that had
 * already passed its check (or one without a hook) can still write after the eraser ran; a short while later
 * this pass deletes whatever appeared — unless the store was reinstalled meanwhile, in which case the new
 * documents belong to the new installation.
 *
 * The timer lives in this process; the privacy service's watchdog re-requests the erasure once after the
 * same delay, so a restart in between does not leave late writes behind.
 */
@Injectable()
export class LateWriteSweeper implements OnModuleDestroy {
  private readonly logger = new Logger(LateWriteSweeper.name);
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly eraser: StoreDataEraser,
    private readonly guard: StoreErasureGuard,
    @Inject(PRIVACY_PARTICIPANT_SETTINGS) private readonly settings: PrivacyParticipantSettings,
    @Inject(PARTICIPANT_SERVICE_NAME) private readonly service: string,
  ) {}

  /** Runs `sweep` once PRIVACY_LATE_WRITE_SWEEP_MS after the latest erasure of the store (0 = never). */
  schedule(storeId: string, options: StoreErasureOptions = {}): void {
    if (this.settings.lateWriteSweepMs <= 0) return;
    clearTimeout(this.#timers.get(storeId));
    const timer = setTimeout(() => {
      this.#timers.delete(storeId);
      this.sweep(storeId, options).catch((err: unknown) =>
        // The privacy service's re-request after the same delay is the second chance.
        this.logger.warn({ msg: 'late-write sweep failed', storeId, err }),
      );
    }, this.settings.lateWriteSweepMs);
    timer.unref();
    this.#timers.set(storeId, timer);
  }

  /** Deletes the store's documents again if it is still erased; says what it removed. */
  async sweep(storeId: string, options: StoreErasureOptions = {}): Promise<LateWriteSweepOutcome> {
    if (!(await this.guard.isErasedNow(storeId))) {
      this.logger.log({ msg: 'store reinstalled since its erasure: late-write sweep skipped', storeId });
      return { outcome: 'reinstalled' };
    }
    const { erasedCount, collections, keyShredded } = await this.eraser.removeLateWrites(storeId, options);
    if (erasedCount > 0 || keyShredded) {
      lateDocumentsRemoved.add(erasedCount, { service: this.service });
      this.logger.warn({
        msg: 'late writes of an erased store removed',
        storeId,
        erasedCount,
        collections,
        keyShredded,
      });
    }
    return { outcome: 'removed', erasedCount, collections };
  }

  onModuleDestroy(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
