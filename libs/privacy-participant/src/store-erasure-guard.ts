import { Inject, Injectable, Logger } from '@nestjs/common';

import { MongoConnection, type Stored } from '@app/persistence';

import { PRIVACY_PARTICIPANT_SETTINGS, type PrivacyParticipantSettings } from './participant-settings';
import { type StoreErasureMark, StoreErasureMarks } from './store-erasure-marks';

type Mark = Pick<StoreErasureMark, 'erasedAt' | 'reinstalledAt'>;

const isLifted = (mark: Mark): boolean =>
  mark.reinstalledAt !== undefined && mark.reinstalledAt.getTime() > mark.erasedAt.getTime();

/**
 * Answers "was this store erased?" for handlers about to write a store document, so a message still in flight
 * when the store was erased (a late webhook, a backfill page, a stock command, a settings event) does not bring
 * its data back.
 *
 * The answer comes from the store's erasure mark in the shared key-ring database (`StoreErasureMarks`), not
 * from the key's state: anything sealing a value re-activates a key, which must not make an erased store live
 * again. An erasure request marks the store erased (every participant, and the privacy service before it
 * publishes); an install/authorize event newer than that erasure lifts the mark (`markReinstalled`), and from
 * then on every service accepts the store's data again — except events that happened before the erasure.
 *
 * "Not erased" answers are cached for PRIVACY_NOT_ERASED_CACHE_MS (default 1 s) so the everyday write path
 * costs no read; this process's own erasure or reinstall drops the entry at once, and what another instance
 * lets through on a stale answer is removed by the late-write sweep. "Erased" is never cached, so a reinstall
 * made by another service is seen by the very next event.
 *
 *     if (await this.erasure.isErased(storeId, e.occurredAt)) return this.erasure.skipped(storeId, 'store view');
 */
@Injectable()
export class StoreErasureGuard {
  private readonly logger = new Logger(StoreErasureGuard.name);
  readonly #marks: StoreErasureMarks;
  readonly #notErased = new Map<string, { mark: Mark | null; until: number }>();
  /** Bumped by every mark this process writes: a read that started before it is not cached. */
  #generation = 0;

  constructor(
    mongo: MongoConnection,
    @Inject(PRIVACY_PARTICIPANT_SETTINGS) private readonly settings: PrivacyParticipantSettings,
  ) {
    this.#marks = StoreErasureMarks.on(mongo, settings.marksDbName);
  }

  /**
   * True while the store is erased and not reinstalled since; after a reinstall, still true for an event
   * that happened (`eventAt`) before the erasure — it belongs to the erased installation.
   */
  async isErased(storeId: string, eventAt?: Date | string): Promise<boolean> {
    const mark = await this.#cachedMark(storeId);
    if (!mark) return false;
    if (!isLifted(mark)) return true;
    return eventAt !== undefined && new Date(eventAt).getTime() < mark.erasedAt.getTime();
  }

  /** The same question without the cache (sweeps and erasures must not act on a stale answer). */
  async isErasedNow(storeId: string): Promise<boolean> {
    const mark = await this.#read(storeId);
    return mark !== null && !isLifted(mark);
  }

  /** True when the store was reinstalled after `at` (an erasure requested before it must spare it). */
  async reinstalledSince(storeId: string, at: Date): Promise<boolean> {
    const mark = await this.#read(storeId);
    return mark?.reinstalledAt !== undefined && mark.reinstalledAt.getTime() > at.getTime();
  }

  /** Marks the store erased by a request made at `requestedAt`; call before deleting anything. */
  async markErased(storeId: string, requestedAt: Date): Promise<void> {
    this.#generation += 1;
    this.#notErased.delete(storeId);
    await this.#marks.markErased(storeId, requestedAt);
    this.#notErased.delete(storeId);
  }

  /**
   * An install/authorize event of the store happened at `at`: if that is newer than its erasure, the store is
   * live again for every service. Returns true when it lifted an erasure. Idempotent; an older event is ignored.
   */
  async markReinstalled(storeId: string, at: Date): Promise<boolean> {
    this.#generation += 1;
    const lifted = await this.#marks.markReinstalled(storeId, at);
    this.#notErased.delete(storeId);
    if (lifted) this.logger.log({ msg: 'erased store reinstalled: its data is accepted again', storeId });
    return lifted;
  }

  /** The debug line of a skipped write; returns nothing so a handler can `return guard.skipped(...)`. */
  skipped(storeId: string, what: string): void {
    this.logger.debug({ msg: 'write for an erased store skipped', storeId, what });
  }

  async #cachedMark(storeId: string): Promise<Mark | null> {
    const cached = this.#notErased.get(storeId);
    if (cached && cached.until > Date.now()) return cached.mark;
    const generation = this.#generation;
    const mark = await this.#read(storeId);
    if (mark && !isLifted(mark)) this.#notErased.delete(storeId);
    else if (generation === this.#generation) this.#remember(storeId, mark);
    return mark;
  }

  #remember(storeId: string, mark: Mark | null): void {
    if (this.settings.notErasedCacheMs <= 0) return;
    const now = Date.now();
    // Bounded: entries live for the cache period only; drop the expired ones when the map grows.
    if (this.#notErased.size >= 10_000)
      for (const [id, entry] of this.#notErased) if (entry.until <= now) this.#notErased.delete(id);
    this.#notErased.set(storeId, { mark, until: now + this.settings.notErasedCacheMs });
  }

  async #read(storeId: string): Promise<Mark | null> {
    const mark: Stored<StoreErasureMark> | null = await this.#marks.findOne(storeId);
    if (!mark) return null;
    return { erasedAt: mark.erasedAt, ...(mark.reinstalledAt ? { reinstalledAt: mark.reinstalledAt } : {}) };
  }
}
