import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  type EventEnvelope,
  keyFor,
  OdooConnectionCheckRequested,
  StoreSyncReady,
  Topic,
} from '@app/contracts';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ActivityLog } from '../activity/activity-log';
import { ConnectionChecker } from './connection-checker';
import { OdooClients } from './odoo-clients';
import { OdooConnectionsRepository } from './odoo-connections.repository';

/**
 * "Test the Odoo connection now" (admin API): the store's stored settings are checked again exactly as a
 * settings change checks them, the stored status follows the outcome, and the outcome is one activity-log
 * line carrying the request id (`correlationId`) so support finds the answer to their click. A store that
 * comes back to `connected` is announced with `store.lifecycle.sync-ready.v1` like new settings are (the admin
 * view shows it connected again; the Salla connector skips a backfill it already did for the same Odoo).
 *
 * The check reports the truth of the moment, so a redelivered command only checks again.
 */
@Controller()
export class ConnectionCheckRequestedHandler {
  constructor(
    private readonly connections: OdooConnectionsRepository,
    private readonly checker: ConnectionChecker,
    private readonly clients: OdooClients,
    private readonly activity: ActivityLog,
    private readonly publisher: EventPublisher,
    private readonly erasure: StoreErasureGuard,
  ) {}

  @KafkaEvent(Topic.OpsOdooConnectionCheckRequested, OdooConnectionCheckRequested)
  async onCheckRequested(@Payload() event: EventEnvelope<OdooConnectionCheckRequested>): Promise<void> {
    const started = Date.now();
    const { storeId } = event;
    if (await this.erasure.isErased(storeId, event.occurredAt))
      return this.erasure.skipped(storeId, 'odoo connection check');
    const log = (outcome: 'ok' | 'skipped' | 'failed', message: string, errorCode?: string) =>
      this.activity.record(storeId, {
        entityType: 'store',
        entityId: storeId,
        outcome,
        message,
        errorCode,
        eventId: event.id,
        correlationId: event.payload.requestId,
        durationMs: Date.now() - started,
      });

    const previous = await this.connections.get(storeId);
    if (!previous || previous.status === 'not_configured' || !previous.url || !previous.apiKey) {
      return log(
        'skipped',
        'Connection test: Odoo is not configured for this store yet, there is nothing to test',
        'odoo.not_configured',
      );
    }
    const odoo = {
      url: previous.url,
      database: previous.database ?? '',
      login: previous.login ?? '',
      apiKey: previous.apiKey,
    };
    const check = await this.checker.check(storeId, odoo);
    const target = `${odoo.url.replace(/\/+$/, '')}|${odoo.database}`;
    const connected = check.status === 'connected';
    // Only onto the settings that were checked: settings saved meanwhile were checked by their own handler.
    const saved = await this.connections.updateOne(
      storeId,
      { _id: storeId, revision: previous.revision },
      {
        $set: {
          status: check.status,
          message: check.message,
          checkedAt: new Date(),
          ...(check.version ? { version: check.version } : {}),
          ...(check.protocol ? { protocol: check.protocol } : {}),
          ...(connected ? { lastConnectedTarget: target } : {}),
        },
      },
    );
    if (saved.matched === 0) {
      return log(
        'skipped',
        'Connection test: the Odoo settings changed while they were being tested; the new settings were tested instead',
      );
    }
    // A client built while the connection worked may hold a session the check just found broken (or healed).
    if (check.status !== previous.status) this.clients.drop(storeId);
    await log(
      connected ? 'ok' : 'failed',
      `Connection test: ${check.message}`,
      connected ? undefined : `odoo.${check.status}`,
    );
    if (connected && previous.status !== 'connected')
      await this.announceReady(storeId, check.version, previous.lastConnectedTarget === target);
  }

  private async announceReady(
    storeId: string,
    version: string | undefined,
    sameOdooAsBefore: boolean,
  ): Promise<void> {
    const ready = new StoreSyncReady();
    ready.odooVersion = version;
    ready.connectedAt = new Date().toISOString();
    ready.skipBackfillIfDone = sameOdooAsBefore;
    await this.publisher.publish(Topic.StoreSyncReady, newEnvelope(Topic.StoreSyncReady, storeId, ready), {
      key: keyFor(storeId),
    });
  }
}
