import { randomUUID } from 'node:crypto';

import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { type ErasureReceipt, keyFor, PrivacyErasureRequested, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import type { Stored } from '@app/persistence';
import { StoreErasureGuard } from '@app/privacy-participant';

import { LegalHoldsRepository } from '../legal-holds/legal-holds.repository';
import { expectedServicesOf, type PrivacyServiceEnv } from '../privacy-service.env';
import {
  erasureDuration,
  erasureLateWrites,
  erasureOutcomes,
  erasureRetries,
  erasureTimeouts,
} from './erasure-metrics';
import type { ErasureRequest } from './erasure-request.schema';
import { ErasureRequestsRepository } from './erasure-requests.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The legal deadline for answering an erasure request. */
export const ERASURE_DUE_DAYS = 30;

export interface StartErasure {
  storeId: string;
  requestId?: string;
  reason?: string;
  source: 'api' | 'uninstall';
}

/**
 * Runs a store-scope erasure: records the request (received → in_progress), applies an active legal hold,
 * shreds the store's key (unless held), asks every service to erase its data, collects one receipt per
 * expected service, and closes the request (completed, or failed when a service failed or never answered).
 * PRIVACY_LATE_WRITE_SWEEP_MS after a full erasure completed it asks every service once more (late writes).
 * The store is marked erased (`StoreErasureGuard`) before anything else, so every service, the gateway's
 * webhook intake included, stops accepting its data until the merchant installs the app again.
 */
@Injectable()
export class ErasureOrchestrator {
  private readonly logger = new Logger(ErasureOrchestrator.name);
  private readonly expected: string[];

  constructor(
    private readonly requests: ErasureRequestsRepository,
    private readonly holds: LegalHoldsRepository,
    private readonly crypto: CryptoService,
    private readonly erasure: StoreErasureGuard,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {
    this.expected = expectedServicesOf(config);
  }

  /** Idempotent by request id: the same id returns the stored request and starts nothing twice. */
  async start(input: StartErasure): Promise<{ created: boolean; request: Stored<ErasureRequest> }> {
    const now = new Date();
    const { created, request } = await this.requests.createOnce(input.storeId, {
      _id: input.requestId ?? randomUUID(),
      source: input.source,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      status: 'received',
      receivedAt: now,
      dueBy: new Date(now.getTime() + ERASURE_DUE_DAYS * DAY_MS),
      expectedServices: this.expected,
      receipts: {},
      heldDataClasses: [],
      publishAttempts: 0,
      keyShredded: false,
      lateWritesRemoved: {},
    });
    if (request.storeId !== input.storeId)
      throw new ConflictException('this request id belongs to another store');
    // A request left in `received` (the instance died before publishing) is picked up by a repeat call.
    if (created || request.status === 'received') return { created, request: await this.begin(request) };
    return { created, request };
  }

  private async begin(request: Stored<ErasureRequest>): Promise<Stored<ErasureRequest>> {
    const { storeId, _id: requestId } = request;
    const now = new Date();
    const hold = await this.holds.active(storeId, now);
    const held = hold?.dataClasses ?? [];
    // Marked first: from now on no service writes for the store and the gateway mints it no new key.
    await this.erasure.markErased(storeId, request.receivedAt);
    // Shredding next makes every copy of the store's data (Kafka topics included) unreadable at once.
    const keyShredded = held.length === 0 ? (await this.crypto.shred(storeId)).shredded : false;
    await this.requests.transition(storeId, requestId, 'received', {
      status: 'in_progress',
      startedAt: now,
      heldDataClasses: held,
      keyShredded,
      ...(hold ? { legalHoldReason: hold.reason, legalHoldUntil: hold.until } : {}),
    });
    const current = (await this.requests.findOne(storeId, { _id: requestId }))!;
    await this.publish(current);
    this.logger.log({ msg: 'store erasure started', storeId, requestId, heldDataClasses: held, keyShredded });
    return (await this.requests.findOne(storeId, { _id: requestId }))!;
  }

  private async publish(request: Stored<ErasureRequest>): Promise<void> {
    const event = new PrivacyErasureRequested();
    event.requestId = request._id;
    event.scope = 'store';
    event.requestedAt = request.receivedAt.toISOString();
    event.dueBy = request.dueBy.toISOString();
    if (request.heldDataClasses.length > 0) event.keepDataClasses = request.heldDataClasses;
    await this.publisher.publish(
      Topic.PrivacyErasureRequested,
      newEnvelope(Topic.PrivacyErasureRequested, request.storeId, event),
      { key: keyFor(request.storeId) },
    );
    await this.requests.markPublished(request.storeId, request._id, new Date());
  }

  /** Records one service's receipt (the first one counts) and closes the request when all are in. */
  async onReceipt(storeId: string, requestId: string, receipt: ErasureReceipt): Promise<void> {
    const request = await this.requests.findOne(storeId, { _id: requestId });
    if (!request) return; // a participant answering someone else's request (e.g. a test publishing directly)
    if (request.lateSweepPublishedAt && request.receipts[receipt.service]) {
      // The answer to the late-write sweep: whatever it erased was written after the service's first pass.
      await this.requests.recordLateWrites(storeId, requestId, receipt.service, receipt.erasedCount);
      if (receipt.erasedCount > 0) {
        erasureLateWrites.add(receipt.erasedCount, { service: receipt.service });
        this.logger.warn({
          msg: 'late writes of an erased store removed',
          storeId,
          requestId,
          service: receipt.service,
          erasedCount: receipt.erasedCount,
        });
      }
      return;
    }
    await this.requests.addReceipt(storeId, requestId, receipt.service, {
      outcome: receipt.outcome,
      erasedCount: receipt.erasedCount,
      ...(receipt.details !== undefined ? { details: receipt.details } : {}),
      ...(receipt.keyShredded !== undefined ? { keyShredded: receipt.keyShredded } : {}),
      ...(receipt.keptDataClasses ? { keptDataClasses: receipt.keptDataClasses } : {}),
      ...(receipt.keptCount !== undefined ? { keptCount: receipt.keptCount } : {}),
      completedAt: new Date(receipt.completedAt),
      receivedAt: new Date(),
    });
    await this.tryClose(storeId, requestId);
  }

  private async tryClose(storeId: string, requestId: string): Promise<void> {
    const request = await this.requests.findOne(storeId, { _id: requestId });
    if (!request || request.status === 'completed' || request.status === 'received') return;
    // A request failed only by timing out is closed by late receipts; one a service failed stays failed.
    if (request.status === 'failed' && request.timedOutAt === undefined) return;
    const missing = request.expectedServices.filter((s) => !request.receipts[s]);
    if (missing.length > 0) return;
    const failed = Object.entries(request.receipts)
      .filter(([, r]) => r.outcome === 'failed')
      .map(([s]) => s);
    let keyShredded = request.keyShredded;
    // Something may have sealed a value for the store after the first shred (an in-flight event): again —
    // unless the merchant reinstalled meanwhile: that key belongs to the new installation.
    if (
      request.heldDataClasses.length === 0 &&
      !(await this.erasure.reinstalledSince(storeId, request.receivedAt))
    ) {
      if ((await this.crypto.shred(storeId)).shredded) keyShredded = true;
      keyShredded = keyShredded || (await this.crypto.keyStatus(storeId)) === 'shredded';
    }
    const now = new Date();
    const status = failed.length > 0 ? 'failed' : 'completed';
    const moved = await this.requests.transition(storeId, requestId, request.status, {
      status,
      completedAt: now,
      keyShredded,
      ...(failed.length > 0 ? { failure: `erasure failed in: ${failed.join(', ')}` } : {}),
      ...(status === 'completed' &&
      request.heldDataClasses.length === 0 &&
      this.config.PRIVACY_LATE_WRITE_SWEEP_MS > 0
        ? { lateSweepDueAt: new Date(now.getTime() + this.config.PRIVACY_LATE_WRITE_SWEEP_MS) }
        : {}),
    });
    if (!moved) return;
    erasureOutcomes.add(1, { outcome: status });
    erasureDuration.record(now.getTime() - request.receivedAt.getTime());
    const log = { msg: `store erasure ${status}`, storeId, requestId, keyShredded, failed };
    if (status === 'completed') this.logger.log(log);
    else this.logger.error(log);
  }

  /**
   * Asks every service to erase a completed request's store once more, unless the store was reinstalled
   * since (the new documents belong to the new installation; participants check that again themselves, as
   * the request carries its original time). Durable, unlike the participants' in-process pass: a restart in
   * between does not lose it. Publishing twice is harmless.
   */
  private async lateSweeps(now: Date): Promise<void> {
    for (const request of await this.requests.lateSweepsDue(now)) {
      const { storeId, _id: requestId } = request;
      if (await this.erasure.reinstalledSince(storeId, request.receivedAt)) {
        await this.requests.closeLateSweep(storeId, requestId, 'store reinstalled');
        this.logger.log({ msg: 'late-write sweep skipped: store reinstalled', storeId, requestId });
        continue;
      }
      await this.requests.markLateSweepPublished(storeId, requestId, new Date());
      await this.publish(request);
      await this.requests.closeLateSweep(storeId, requestId);
    }
  }

  /** Re-publishes requests some service has not answered, and fails (with an alert) those past the timeout. */
  async watch(now: Date = new Date()): Promise<void> {
    await this.lateSweeps(now);
    for (const request of await this.requests.open()) {
      const missing = request.expectedServices.filter((s) => !request.receipts[s]);
      if (missing.length === 0) {
        await this.tryClose(request.storeId, request._id);
        continue;
      }
      const started = (request.startedAt ?? request.receivedAt).getTime();
      if (now.getTime() - started >= this.config.PRIVACY_ERASURE_TIMEOUT_MS) {
        const failure = `no receipt from: ${missing.join(', ')}`;
        const moved = await this.requests.transition(request.storeId, request._id, 'in_progress', {
          status: 'failed',
          timedOutAt: now,
          failure,
        });
        if (moved) {
          erasureTimeouts.add(1);
          this.logger.error({
            msg: 'store erasure timed out',
            storeId: request.storeId,
            requestId: request._id,
            missing,
          });
        }
        continue;
      }
      const last = (request.lastPublishedAt ?? request.receivedAt).getTime();
      if (now.getTime() - last >= this.config.PRIVACY_RETRY_AFTER_MS) {
        // Services that already answered see the same request again and find nothing left: receipts are
        // only recorded once, so their first counts stand.
        erasureRetries.add(1);
        this.logger.warn({
          msg: 'store erasure re-published',
          storeId: request.storeId,
          requestId: request._id,
          missing,
        });
        await this.publish(request);
      }
    }
  }
}
