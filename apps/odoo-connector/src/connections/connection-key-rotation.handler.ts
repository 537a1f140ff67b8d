import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, keyFor, ODOO_API_KEY_AAD, StoreKeyRotated, Topic } from '@app/contracts';
import { CryptoService, keyReencryptionReport, type ReencryptionResult } from '@app/crypto';
import { EventPublisher, KafkaEvent, newEnvelope } from '@app/messaging';

import { ActivityLog, SERVICE_NAME } from '../activity/activity-log';
import { OdooConnectionsRepository } from './odoo-connections.repository';

/**
 * After the privacy service rotated a store's data key: the store's sealed Odoo API key is sealed again under
 * the active key version, so the retired one can be removed. Written only while it is still the key read
 * (`apiKey.ct` unchanged): new settings arriving meanwhile win. The plaintext does not change, so the
 * connection's `revision` stays and the cached Odoo client keeps working.
 */
@Controller()
export class ConnectionKeyRotationHandler {
  constructor(
    private readonly connections: OdooConnectionsRepository,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    private readonly activity: ActivityLog,
  ) {}

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  async onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    const { storeId } = event;
    const result: ReencryptionResult = { reencryptedCount: 0, details: 'Odoo connection API key' };
    try {
      result.reencryptedCount = await this.reencryptApiKey(storeId);
    } catch (err) {
      result.error = err;
    }
    const { report, message } = keyReencryptionReport(SERVICE_NAME, event.payload, result);
    await this.publisher.publish(
      Topic.OpsStoreKeyReencrypted,
      newEnvelope(Topic.OpsStoreKeyReencrypted, storeId, report),
      { key: keyFor(storeId) },
    );
    await this.activity.record(storeId, {
      entityType: 'store',
      entityId: storeId,
      outcome: report.outcome === 'reencrypted' ? 'ok' : 'failed',
      message,
      ...(report.outcome === 'failed' ? { errorCode: 'key_rotation.reencrypt_failed' } : {}),
      eventId: event.id,
      correlationId: event.payload.requestId,
    });
  }

  private async reencryptApiKey(storeId: string): Promise<number> {
    const connection = await this.connections.get(storeId);
    const sealed = connection?.apiKey;
    if (!sealed) return 0;
    const fresh = await this.crypto.reencrypt(storeId, sealed, ODOO_API_KEY_AAD);
    if (fresh === sealed) return 0;
    const res = await this.connections.updateOne(
      storeId,
      { _id: storeId, 'apiKey.ct': sealed.ct },
      { $set: { apiKey: fresh } },
    );
    return res.modified;
  }
}
