import { Inject, Injectable } from '@nestjs/common';

import { type EventEnvelope, keyFor, type StoreKeyRotated, Topic } from '@app/contracts';
import { keyReencryptionReport, type ReencryptionResult } from '@app/crypto';
import { EventPublisher, newEnvelope, OpsActivityLog } from '@app/messaging';

import { PARTICIPANT_SERVICE_NAME } from './participant-service-name';

/**
 * A service's answer to a store key rotation (`ops.store-key.rotated.v1`): runs its re-encryption, then sends
 * the report the privacy service waits for (`ops.store-key.reencrypted.v1`) and one line of the store's
 * activity log, worded the same whoever reports. A failure is reported, not thrown: the privacy service
 * announces the rotation again later, and the old key version is kept until every service succeeded.
 */
@Injectable()
export class KeyReencryptionReporter {
  private readonly activity: OpsActivityLog;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(PARTICIPANT_SERVICE_NAME) private readonly service: string,
  ) {
    // The rotation is neither direction of the sync; the field is required, so the line takes the default.
    this.activity = new OpsActivityLog(publisher, { service, defaultDirection: 'salla_to_odoo' });
  }

  /** `reencrypt` moves the store's sealed values to the active key and says how many it rewrote. */
  async answer(
    event: EventEnvelope<StoreKeyRotated>,
    details: string,
    reencrypt: () => Promise<number>,
  ): Promise<void> {
    const { storeId } = event;
    const result: ReencryptionResult = { reencryptedCount: 0, details };
    try {
      result.reencryptedCount = await reencrypt();
    } catch (err) {
      result.error = err;
    }
    const { report, message } = keyReencryptionReport(this.service, event.payload, result);
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
}
