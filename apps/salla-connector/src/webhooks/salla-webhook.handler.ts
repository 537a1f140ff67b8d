import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  type EventEnvelope,
  type EventOrigin,
  SallaWebhookReceived,
  sallaWebhookDataAad,
  StoreAuthorized,
  Topic,
} from '@app/contracts';
import { CryptoError, CryptoService, StoreKeyShreddedError } from '@app/crypto';
import { KafkaEvent, PermanentError } from '@app/messaging';
import { metrics } from '@app/observability';
import { StoreErasureGuard } from '@app/privacy-participant';

import { ActivityLog } from '../activity/activity-log';
import { CanonicalPublisher } from '../activity/canonical-publisher';
import { SallaApiClient } from '../salla-api';
import { StoreLifecycle } from '../stores/store-lifecycle';
import { StoreProfileReader } from '../stores/store-profile.reader';
import { StoresRepository } from '../stores/stores.repository';
import { SallaTokenVault } from '../tokens';
import {
  type SallaOrder,
  type SallaProduct,
  type SallaShippingCompany,
  translate,
  type TranslationDeps,
} from '../translation';

const translated = metrics.counter(
  'salla.webhooks.translated',
  'Salla webhooks handled by the connector, by event and outcome',
);

/** Events that may arrive for a store we consider uninstalled: the start of a reinstall. */
const REINSTALL_EVENTS = new Set(['app.installed', 'app.store.authorize']);

/**
 * `salla.webhook.received.v1` → canonical events. Opens the sealed `data`, translates it through the declared
 * table (re-reading partial resources from the API at live priority), applies what it means for the
 * installation, then publishes the canonical events with their origin (Salla event + body hash). A redelivery
 * repeats the same publishes: every consumer downstream is idempotent.
 */
@Controller()
export class SallaWebhookHandler {
  private readonly logger = new Logger(SallaWebhookHandler.name);
  private readonly deps: TranslationDeps;

  constructor(
    private readonly crypto: CryptoService,
    private readonly lifecycle: StoreLifecycle,
    private readonly stores: StoresRepository,
    private readonly canonical: CanonicalPublisher,
    private readonly tokens: SallaTokenVault,
    private readonly profile: StoreProfileReader,
    private readonly erasure: StoreErasureGuard,
    private readonly activity: ActivityLog,
    salla: SallaApiClient,
  ) {
    const read = async <T>(storeId: string, path: string): Promise<T> =>
      (await salla.get<T>(storeId, path, { priority: 'live' })).data;
    this.deps = {
      reader: {
        product: (storeId, id) => read<SallaProduct>(storeId, `/products/${encodeURIComponent(id)}`),
        order: (storeId, id) => read<SallaOrder>(storeId, `/orders/${encodeURIComponent(id)}`),
        shippingCompany: (storeId, id) =>
          read<SallaShippingCompany>(storeId, `/shipping/companies/${encodeURIComponent(id)}`),
      },
      seal: (storeId, plaintext, aad) => this.crypto.encrypt(storeId, plaintext, aad),
      fallbackCurrency: async (storeId) => (await this.stores.get(storeId))?.currency ?? 'SAR',
    };
  }

  @KafkaEvent(Topic.SallaWebhookReceived, SallaWebhookReceived)
  async onWebhook(@Payload() event: EventEnvelope<SallaWebhookReceived>): Promise<void> {
    const { storeId, payload } = event;
    const origin: EventOrigin = {
      kind: 'webhook',
      sallaEvent: payload.event,
      bodySha256: payload.bodySha256,
    };
    let data: Record<string, unknown>;
    try {
      data = await this.crypto.decryptJson<Record<string, unknown>>(
        storeId,
        payload.data,
        sallaWebhookDataAad(payload.bodySha256),
      );
    } catch (err) {
      if (err instanceof StoreKeyShreddedError) {
        // The store was erased after this webhook was queued: its data is gone by design.
        translated.add(1, { event: payload.event, outcome: 'erased' });
        return;
      }
      throw new PermanentError(`webhook data cannot be opened: ${(err as Error).message}`, { cause: err });
    }
    if (REINSTALL_EVENTS.has(payload.event)) {
      // Received after the store's erasure: the merchant installed the app again (the gateway lifted it too).
      await this.erasure.markReinstalled(storeId, new Date(payload.receivedAt));
    }
    // Queued before the store was erased, opened with a key this instance still had cached: gone by design.
    if (await this.erasure.isErased(storeId, payload.receivedAt)) {
      translated.add(1, { event: payload.event, outcome: 'erased' });
      return this.erasure.skipped(storeId, `webhook ${payload.event}`);
    }
    if (!REINSTALL_EVENTS.has(payload.event) && (await this.stores.isUninstalled(storeId))) {
      translated.add(1, { event: payload.event, outcome: 'uninstalled' });
      this.logger.log({ msg: 'webhook for an uninstalled store ignored', storeId, event: payload.event });
      return;
    }
    const result = await translate(
      {
        storeId,
        event: payload.event,
        data,
        createdAtUtc: payload.createdAtUtc,
        bodySha256: payload.bodySha256,
      },
      this.deps,
    );
    const stale = await this.lifecycle.staleReason(storeId, result.effects);
    if (stale) {
      translated.add(1, { event: payload.event, outcome: 'stale' });
      this.logger.warn({ msg: 'late app event ignored', storeId, event: payload.event, why: stale });
      await this.activity.record(storeId, {
        direction: 'salla_to_odoo',
        entityType: 'store',
        entityId: storeId,
        outcome: 'skipped',
        message: `Salla's ${payload.event} was ignored: ${stale} (Salla retried a delivery that had failed).`,
        eventId: event.id,
      });
      return;
    }
    for (const effect of result.effects) await this.lifecycle.apply(storeId, effect, origin);
    for (const { topic, payload: canonical } of result.emit) {
      await this.canonical.publish(topic, storeId, canonical, origin);
    }
    translated.add(1, { event: payload.event, outcome: result.skipped ? 'skipped' : 'translated' });
  }

  /** Custom-mode installs: the gateway exchanged the OAuth code and sends the sealed tokens here. */
  @KafkaEvent(Topic.StoreAuthorized, StoreAuthorized)
  async onAuthorized(@Payload() event: EventEnvelope<StoreAuthorized>): Promise<void> {
    // An OAuth install after the store's erasure is its reinstall; an older one (still queued) is not.
    await this.erasure.markReinstalled(event.storeId, new Date(event.occurredAt));
    if (await this.erasure.isErased(event.storeId, event.occurredAt))
      return this.erasure.skipped(event.storeId, 'oauth tokens');
    await this.stores.update(event.storeId, {
      status: 'installed',
      uninstalledAt: null,
      authorizedAt: new Date(event.occurredAt),
      installEventAt: new Date(event.occurredAt),
    });
    try {
      await this.tokens.storeSealed(event.storeId, event.payload);
    } catch (err) {
      // A sealed token that does not open never will: not sealed for this store, or its key was shredded.
      if (err instanceof CryptoError)
        throw new PermanentError(`sealed tokens cannot be opened: ${err.message}`);
      throw err;
    }
    await this.profile.refresh(event.storeId, { kind: 'command' });
  }
}
