import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  type EventEnvelope,
  keyFor,
  StoreSettingsUpdated,
  StoreSyncReady,
  StoreUninstalled,
  Topic,
} from '@app/contracts';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ActivityLog } from '../activity/activity-log';
import { PaymentJournalMappingsRepository } from '../sync/payment-journal-mappings.repository';
import { ConnectionChecker } from './connection-checker';
import { OdooClients } from './odoo-clients';
import { OdooConnectionsRepository } from './odoo-connections.repository';

/**
 * The store's Odoo settings: checked live (SSRF guard, version probe, authenticate) on every change, stored
 * with the outcome, announced with `store.lifecycle.sync-ready.v1` when they work. Uninstall deletes them.
 */
@Controller()
export class ConnectionSettingsHandler {
  constructor(
    private readonly connections: OdooConnectionsRepository,
    private readonly checker: ConnectionChecker,
    private readonly clients: OdooClients,
    private readonly activity: ActivityLog,
    private readonly publisher: EventPublisher,
    private readonly erasure: StoreErasureGuard,
    private readonly journalMappings: PaymentJournalMappingsRepository,
  ) {}

  @KafkaEvent(Topic.StoreSettingsUpdated, StoreSettingsUpdated)
  async onSettings(@Payload() event: EventEnvelope<StoreSettingsUpdated>): Promise<void> {
    const started = Date.now();
    const { storeId } = event;
    // Settings of an erased store (sent before it was erased, or after without a reinstall) are not kept.
    if (await this.erasure.isErased(storeId, event.occurredAt))
      return this.erasure.skipped(storeId, 'odoo connection settings');
    const settings = event.payload;
    // Configuration like the connection, kept even while Odoo is not reachable: used from the next paid order.
    if (settings.paymentJournals)
      await this.journalMappings.replaceMerchant(storeId, settings.paymentJournals);
    const previous = await this.connections.get(storeId);
    const revision = (previous?.revision ?? 0) + 1;
    const checkedAt = new Date();
    this.clients.drop(storeId);

    if (!settings.odoo) {
      const message = 'Odoo is not configured: fill in the Odoo URL, database, login and API key';
      await this.connections.save(storeId, {
        status: 'not_configured',
        message,
        checkedAt,
        syncEnabled: settings.syncEnabled,
        revision,
        lastConnectedTarget: previous?.lastConnectedTarget ?? null,
      });
      await this.log(event, 'skipped', message, 'odoo.not_configured', started);
      return;
    }

    const odoo = settings.odoo;
    const check = await this.checker.check(storeId, odoo);
    const target = `${odoo.url.replace(/\/+$/, '')}|${odoo.database}`;
    await this.connections.save(storeId, {
      url: odoo.url,
      database: odoo.database,
      login: odoo.login,
      apiKey: odoo.apiKey, // kept sealed, as received
      stockLocationId: odoo.stockLocationId ?? null,
      version: check.version ?? null,
      protocol: check.protocol ?? null,
      status: check.status,
      message: check.message,
      checkedAt,
      syncEnabled: settings.syncEnabled,
      revision,
      lastConnectedTarget: check.status === 'connected' ? target : (previous?.lastConnectedTarget ?? null),
    });
    if (check.status !== 'connected') {
      await this.log(event, 'failed', check.message, `odoo.${check.status}`, started);
      return;
    }
    await this.log(event, 'ok', check.message, undefined, started);
    const ready = new StoreSyncReady();
    ready.odooVersion = check.version;
    ready.connectedAt = checkedAt.toISOString();
    ready.skipBackfillIfDone = previous?.lastConnectedTarget === target;
    await this.publisher.publish(Topic.StoreSyncReady, newEnvelope(Topic.StoreSyncReady, storeId, ready), {
      key: keyFor(storeId),
    });
  }

  @KafkaEvent(Topic.StoreUninstalled, StoreUninstalled)
  async onUninstalled(@Payload() event: EventEnvelope<StoreUninstalled>): Promise<void> {
    this.clients.drop(event.storeId);
    await this.connections.remove(event.storeId);
    // The uninstall usually reaches the eraser first: then there is nothing left to log it for.
    if (await this.erasure.isErased(event.storeId))
      return this.erasure.skipped(event.storeId, 'uninstall activity');
    await this.activity.record(event.storeId, {
      entityType: 'store',
      entityId: event.storeId,
      outcome: 'ok',
      message: 'The app was uninstalled: the Odoo connection settings were deleted',
      eventId: event.id,
    });
  }

  private log(
    event: EventEnvelope<object>,
    outcome: 'ok' | 'skipped' | 'failed',
    message: string,
    errorCode: string | undefined,
    started: number,
  ): Promise<void> {
    return this.activity.record(event.storeId, {
      entityType: 'store',
      entityId: event.storeId,
      outcome,
      message,
      errorCode,
      eventId: event.id,
      durationMs: Date.now() - started,
    });
  }
}
