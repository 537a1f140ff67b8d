import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  BackfillProgress,
  type EventEnvelope,
  OpsSyncResult,
  StoreInstalled,
  StoreProfileUpdated,
  StoreSyncReady,
  StoreUninstalled,
  Topic,
} from '@app/contracts';
import { KafkaEvent } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { BackfillProgressRepository } from '../backfills/backfill-runs.repository';
import { ActivityRepository } from './activity.repository';
import { StoreViewsRepository } from './store-views.repository';

/** Topics the admin read models are built from; the gateway declares them (see gateway.service.ts). */
export const ADMIN_CONSUMED_TOPICS = [
  Topic.StoreInstalled,
  Topic.StoreUninstalled,
  Topic.StoreProfileUpdated,
  Topic.StoreSyncReady,
  Topic.OpsSyncResult,
  Topic.OpsBackfillProgress,
] as const;

/**
 * Failure codes that say the Odoo connection itself is broken (not one record): those of the sync, the stock
 * poll and the connection test.
 */
const CONNECTION_ERROR =
  /^odoo\.(auth|connection|unreachable|timeout|access_denied|database|credentials|invalid_credentials|refused_url|unsupported_version)/;

/**
 * Builds the admin read models. Every update is idempotent by construction: timestamps move with `$max`,
 * profile fields are plain `$set`, and the activity line's unique event id gates the counters. Events of an
 * erased store (still in flight when it was erased) are skipped; an install newer than the erasure lifts that.
 */
@Controller()
export class AdminProjectionsHandler {
  constructor(
    private readonly stores: StoreViewsRepository,
    private readonly activity: ActivityRepository,
    private readonly backfills: BackfillProgressRepository,
    private readonly erasure: StoreErasureGuard,
  ) {}

  @KafkaEvent(Topic.StoreInstalled, StoreInstalled)
  async installed(@Payload() e: EventEnvelope<StoreInstalled>): Promise<void> {
    // A reinstall after an erasure makes the store live again (an install older than the erasure does not).
    await this.erasure.markReinstalled(e.storeId, new Date(e.occurredAt));
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'install');
    await this.stores.apply(e.storeId, {
      $max: { installedAt: new Date(e.payload.installedAt) },
      ...(e.payload.storeType ? { $set: { storeType: e.payload.storeType } } : {}),
    });
    await this.stores.refreshInstallState(e.storeId);
  }

  @KafkaEvent(Topic.StoreUninstalled, StoreUninstalled)
  async uninstalled(@Payload() e: EventEnvelope<StoreUninstalled>): Promise<void> {
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'store view');
    await this.stores.apply(e.storeId, { $max: { uninstalledAt: new Date(e.payload.uninstalledAt) } });
    await this.stores.refreshInstallState(e.storeId);
  }

  @KafkaEvent(Topic.StoreProfileUpdated, StoreProfileUpdated)
  async profile(@Payload() e: EventEnvelope<StoreProfileUpdated>): Promise<void> {
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'store profile');
    const p = e.payload;
    await this.stores.apply(e.storeId, {
      $set: {
        name: p.name,
        currency: p.currency,
        profileReadAt: new Date(p.readAt),
        ...(p.domain !== undefined ? { domain: p.domain } : {}),
        ...(p.plan !== undefined ? { plan: p.plan } : {}),
        ...(p.storeType !== undefined ? { storeType: p.storeType } : {}),
      },
    });
  }

  @KafkaEvent(Topic.StoreSyncReady, StoreSyncReady)
  async syncReady(@Payload() e: EventEnvelope<StoreSyncReady>): Promise<void> {
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'odoo state');
    const at = new Date(e.payload.connectedAt);
    await this.stores.apply(e.storeId, {
      $set: {
        odooState: 'connected',
        odooConnectedAt: at,
        odooStateAt: at,
        ...(e.payload.odooVersion ? { odooVersion: e.payload.odooVersion } : {}),
      },
      $unset: { odooLastErrorCode: '' },
    });
  }

  @KafkaEvent(Topic.OpsSyncResult, OpsSyncResult)
  async syncResult(@Payload() e: EventEnvelope<OpsSyncResult>): Promise<void> {
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'sync activity');
    const p = e.payload;
    const occurredAt = new Date(e.occurredAt);
    const first = await this.activity.recordOnce(e.storeId, {
      eventId: e.id,
      service: p.service,
      direction: p.direction,
      entityType: p.entityType,
      entityId: p.entityId,
      outcome: p.outcome,
      durationMs: p.durationMs,
      occurredAt,
      ...(p.message !== undefined ? { message: p.message } : {}),
      ...(p.errorCode !== undefined ? { errorCode: p.errorCode } : {}),
      ...(p.correlationId !== undefined ? { correlationId: p.correlationId } : {}),
      ...(p.attempt !== undefined ? { attempt: p.attempt } : {}),
    });
    if (!first) return;
    const counter = p.outcome === 'ok' ? 'syncOk' : p.outcome === 'skipped' ? 'syncSkipped' : 'syncFailed';
    const connectionBroken = p.outcome === 'failed' && CONNECTION_ERROR.test(p.errorCode ?? '');
    await this.stores.apply(e.storeId, {
      $inc: { [counter]: 1 },
      $max: { lastSyncAt: occurredAt, ...(p.outcome === 'failed' ? { lastFailureAt: occurredAt } : {}) },
      ...(connectionBroken
        ? { $set: { odooState: 'failing', odooLastErrorCode: p.errorCode, odooStateAt: occurredAt } }
        : {}),
    });
  }

  @KafkaEvent(Topic.OpsBackfillProgress, BackfillProgress)
  async backfillProgress(@Payload() e: EventEnvelope<BackfillProgress>): Promise<void> {
    if (await this.erasure.isErased(e.storeId, e.occurredAt))
      return this.erasure.skipped(e.storeId, 'backfill progress');
    const p = e.payload;
    await this.backfills.applyIfNewer(e.storeId, {
      runId: p.runId,
      resource: p.resource,
      state: p.state,
      done: p.done,
      updatedAt: new Date(p.updatedAt),
      ...(p.total !== undefined ? { total: p.total } : {}),
      ...(p.message !== undefined ? { message: p.message } : {}),
    });
  }
}
