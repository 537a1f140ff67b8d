import { Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import {
  type EventEnvelope,
  keyFor,
  type StoreKeyReencrypted,
  StoreKeyRotated,
  type StoreKeyRotationRequested,
  Topic,
} from '@app/contracts';
import { CryptoService, DEFAULT_KEY_CACHE_TTL_MS } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import type { Stored } from '@app/persistence';

import { expectedServicesOf, type PrivacyServiceEnv } from '../privacy-service.env';
import { KeyRotationActivityLog } from './key-rotation-activity-log';
import type { KeyRotation } from './key-rotation.schema';
import { KeyRotationsRepository } from './key-rotations.repository';

/**
 * Every instance of every service seals with a store's active key from a cache that lives
 * DEFAULT_KEY_CACHE_TTL_MS; the announcement waits that out (plus a margin for clock skew and a slow keyring
 * read), so once services re-encrypt nothing can still be sealing under the retired version.
 */
export const KEY_ROTATION_SETTLE_MS = DEFAULT_KEY_CACHE_TTL_MS + 5_000;

/**
 * The one owner of a store key's lifecycle (with erasure's shred): on an admin request it rotates the key
 * (new active version, old ones retired but still opening what they sealed), announces the rotation once
 * every instance's key cache has moved on, collects each expected service's re-encryption report and, once
 * messages sealed before the rotation have aged out of Kafka (PRIVACY_RETIRED_KEY_KEEP_MS), removes the
 * retired versions. Each step is written to the store's activity log.
 */
@Injectable()
export class KeyRotationOrchestrator {
  private readonly logger = new Logger(KeyRotationOrchestrator.name);
  private readonly expected: string[];

  constructor(
    private readonly rotations: KeyRotationsRepository,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    private readonly activity: KeyRotationActivityLog,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {
    // Every service that answers privacy requests holds sealed values of stores, so it answers rotations too.
    this.expected = expectedServicesOf(config);
  }

  /** Idempotent by request id: a redelivered request finds its rotation and rotates nothing twice. */
  async start(event: EventEnvelope<StoreKeyRotationRequested>): Promise<void> {
    const { storeId, payload } = event;
    const { rotation } = await this.rotations.createOnce(storeId, {
      _id: payload.requestId,
      requestedBy: payload.requestedBy,
      reason: payload.reason,
      requestedAt: new Date(payload.requestedAt),
      status: 'received',
      retiredKeyIds: [],
      announceAttempts: 0,
      expectedServices: this.expected,
      reports: {},
      removedKeyIds: [],
    });
    if (!rotation) return; // the request id belongs to another store: not ours to answer
    if (rotation.status !== 'received') return;

    // A crash between this rotate and the transition below means the redelivery rotates once more: one
    // extra retired version, removed with the others.
    const result = await this.crypto.rotate(storeId);
    const now = new Date();
    if (!result.activeKeyId) {
      if (
        await this.rotations.transition(storeId, rotation._id, 'received', {
          status: 'skipped',
          completedAt: now,
        })
      ) {
        await this.log(rotation, 'skipped', 'Data key rotation skipped: the store has no active data key');
      }
      return;
    }
    const moved = await this.rotations.transition(storeId, rotation._id, 'received', {
      status: 'settling',
      activeKeyId: result.activeKeyId,
      retiredKeyIds: result.retiredKeyIds,
      rotatedAt: now,
      announceAfter: new Date(now.getTime() + KEY_ROTATION_SETTLE_MS),
    });
    if (!moved) return;
    this.logger.log({ msg: 'store data key rotated', storeId, requestId: rotation._id, ...result });
    await this.log(
      rotation,
      'ok',
      `Data key rotation requested by ${payload.requestedBy}: a new key version is active; ` +
        `the previous one stays readable until every service has re-encrypted`,
    );
  }

  /** Announces settled rotations, re-announces those a service has not (successfully) answered. */
  async tick(now: Date = new Date()): Promise<void> {
    for (const rotation of await this.rotations.open()) {
      if (rotation.status === 'settling') {
        if (rotation.announceAfter && rotation.announceAfter > now) continue;
        const moved = await this.rotations.transition(rotation.storeId, rotation._id, 'settling', {
          status: 'reencrypting',
        });
        if (moved) await this.announce(rotation, now);
        continue;
      }
      if (rotation.status === 'retiring') {
        if (!rotation.removeRetiredAfter || rotation.removeRetiredAfter <= now) await this.retire(rotation);
        continue;
      }
      if (await this.tryComplete(rotation.storeId, rotation._id)) continue;
      const last = (rotation.lastAnnouncedAt ?? rotation.rotatedAt ?? rotation.requestedAt).getTime();
      if (now.getTime() - last >= this.config.PRIVACY_RETRY_AFTER_MS) {
        this.logger.warn({
          msg: 'store key rotation re-announced',
          storeId: rotation.storeId,
          requestId: rotation._id,
          waitingFor: this.waitingFor(rotation),
        });
        await this.announce(rotation, now);
      }
    }
  }

  async onReport(storeId: string, report: StoreKeyReencrypted): Promise<void> {
    const rotation = await this.rotations.get(storeId, report.requestId);
    if (!rotation) return; // someone else's request (a test publishing directly)
    await this.rotations.addReport(storeId, report.requestId, report.service, {
      outcome: report.outcome,
      reencryptedCount: report.reencryptedCount,
      ...(report.details !== undefined ? { details: report.details } : {}),
      completedAt: new Date(report.completedAt),
      receivedAt: new Date(),
    });
    await this.tryComplete(storeId, report.requestId);
  }

  /**
   * Once every expected service re-encrypted, the rotation moves to `retiring` (and straight on to removing
   * the old versions when nothing needs to be kept); true when no service is awaited any more.
   */
  private async tryComplete(storeId: string, requestId: string): Promise<boolean> {
    const rotation = await this.rotations.get(storeId, requestId);
    if (!rotation || rotation.status !== 'reencrypting') return rotation?.status !== undefined;
    if (this.waitingFor(rotation).length > 0) return false;
    const keepMs = this.config.PRIVACY_RETIRED_KEY_KEEP_MS;
    const removeRetiredAfter = new Date(Date.now() + keepMs);
    const moved = await this.rotations.transition(storeId, requestId, 'reencrypting', {
      status: 'retiring',
      removeRetiredAfter,
    });
    if (!moved) return true;
    if (keepMs === 0) {
      await this.retire({ ...rotation, status: 'retiring', removeRetiredAfter });
    } else {
      await this.log(
        rotation,
        'ok',
        `Data key rotation: every service re-encrypted its stored secrets; the previous key version still ` +
          `opens messages sealed before the rotation until ${removeRetiredAfter.toISOString()}, then it is removed`,
      );
    }
    return true;
  }

  /** Removes the retired versions of a rotation whose keep period is over. */
  private async retire(rotation: Stored<KeyRotation>): Promise<void> {
    const { storeId, _id: requestId } = rotation;
    const removed = await this.crypto.removeRetiredKeys(storeId, rotation.retiredKeyIds);
    const moved = await this.rotations.transition(storeId, requestId, 'retiring', {
      status: 'completed',
      removedKeyIds: removed,
      completedAt: new Date(),
    });
    if (moved) {
      this.logger.log({ msg: 'store key rotation completed', storeId, requestId, removedKeyIds: removed });
      await this.log(
        rotation,
        'ok',
        `Data key rotation completed: every service re-encrypted its stored secrets; ` +
          `the previous key version was removed`,
      );
    }
  }

  private waitingFor(rotation: Stored<KeyRotation>): string[] {
    return rotation.expectedServices.filter((s) => rotation.reports[s]?.outcome !== 'reencrypted');
  }

  private async announce(rotation: Stored<KeyRotation>, now: Date): Promise<void> {
    const event = Object.assign(new StoreKeyRotated(), {
      requestId: rotation._id,
      requestedBy: rotation.requestedBy,
      activeKeyId: rotation.activeKeyId!,
      retiredKeyIds: rotation.retiredKeyIds,
      rotatedAt: (rotation.rotatedAt ?? now).toISOString(),
    });
    await this.publisher.publish(
      Topic.OpsStoreKeyRotated,
      newEnvelope(Topic.OpsStoreKeyRotated, rotation.storeId, event),
      { key: keyFor(rotation.storeId) },
    );
    await this.rotations.markAnnounced(rotation.storeId, rotation._id, now);
  }

  private log(rotation: Stored<KeyRotation>, outcome: 'ok' | 'skipped', message: string): Promise<void> {
    return this.activity.record(rotation.storeId, {
      entityType: 'store',
      entityId: rotation.storeId,
      outcome,
      message,
      eventId: rotation._id,
      correlationId: rotation._id,
    });
  }
}
