import { Controller, Inject, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { APP_CONFIG } from '@app/config';
import {
  BACKFILL_RESOURCES,
  BackfillRequested,
  type EventEnvelope,
  StoreSyncReady,
  Topic,
} from '@app/contracts';
import { KafkaEvent } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ActivityLog } from '../activity/activity-log';
import type { SallaConnectorEnv } from '../salla-connector.env';
import { StoresRepository } from '../stores/stores.repository';

import { BackfillRunsRepository } from './backfill-runs.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What starts a backfill: the store's Odoo connection verified (`store.lifecycle.sync-ready.v1`), or an explicit
 * request (admin resync). Both only record a run — durable before the message is acknowledged; the
 * BackfillWorker does the reading.
 */
@Controller()
export class BackfillTriggersHandler {
  private readonly logger = new Logger(BackfillTriggersHandler.name);

  constructor(
    private readonly runs: BackfillRunsRepository,
    private readonly stores: StoresRepository,
    private readonly activity: ActivityLog,
    private readonly erasure: StoreErasureGuard,
    @Inject(APP_CONFIG) private readonly config: SallaConnectorEnv,
  ) {}

  @KafkaEvent(Topic.StoreSyncReady, StoreSyncReady)
  async onSyncReady(@Payload() event: EventEnvelope<StoreSyncReady>): Promise<void> {
    const { storeId } = event;
    if (await this.erasure.isErased(storeId, event.occurredAt))
      return this.erasure.skipped(storeId, 'sync-ready backfill');
    await this.stores.update(storeId, { syncReadyAt: new Date(event.payload.connectedAt) });
    if (await this.stores.isUninstalled(storeId)) return;
    if (event.payload.skipBackfillIfDone && (await this.runs.hasCompleted(storeId))) return;
    await this.start(storeId, {
      runId: `sync-ready:${event.payload.connectedAt}`,
      resources: [...BACKFILL_RESOURCES],
      requestedBy: 'odoo connection verified',
      eventId: event.id,
    });
  }

  @KafkaEvent(Topic.BackfillRequested, BackfillRequested)
  async onRequested(@Payload() event: EventEnvelope<BackfillRequested>): Promise<void> {
    const { payload, storeId } = event;
    if (await this.erasure.isErased(storeId, event.occurredAt))
      return this.erasure.skipped(storeId, 'backfill request');
    if (await this.stores.isUninstalled(storeId)) {
      await this.activity.record(storeId, {
        direction: 'salla_to_odoo',
        entityType: 'store',
        entityId: storeId,
        outcome: 'skipped',
        message: `Backfill ${payload.runId} not started: the app is uninstalled from this store`,
        eventId: event.id,
      });
      return;
    }
    await this.start(storeId, {
      runId: payload.runId,
      // Keep the declared reading order whatever order the request listed them in.
      resources: BACKFILL_RESOURCES.filter((r) => !payload.resources || payload.resources.includes(r)),
      ordersSince: payload.ordersSince ? new Date(payload.ordersSince) : undefined,
      requestedBy: payload.requestedBy ?? 'request',
      eventId: event.id,
    });
  }

  private async start(
    storeId: string,
    run: {
      runId: string;
      resources: (typeof BACKFILL_RESOURCES)[number][];
      ordersSince?: Date;
      requestedBy: string;
      eventId: string;
    },
  ): Promise<void> {
    const ordersSince =
      run.ordersSince ?? new Date(Date.now() - this.config.BACKFILL_ORDERS_LOOKBACK_DAYS * DAY_MS);
    const created = await this.runs.create(storeId, {
      runId: run.runId,
      resources: run.resources,
      ordersSince,
      requestedBy: run.requestedBy,
    });
    if (!created) {
      this.logger.log({ msg: 'backfill already recorded', storeId, runId: run.runId });
      return;
    }
    await this.activity.record(storeId, {
      direction: 'salla_to_odoo',
      entityType: 'store',
      entityId: storeId,
      outcome: 'ok',
      message: `Backfill ${run.runId} queued (${run.resources.join(', ')})`,
      eventId: run.eventId,
    });
  }
}
