import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Model } from 'mongoose';

import { type EventEnvelope, keyFor, StoreKeyRotated, Topic } from '@app/contracts';
import { CryptoService, keyReencryptionReport, type ReencryptionResult } from '@app/crypto';
import { EventPublisher, KafkaEvent, newEnvelope, OpsActivityLog } from '@app/messaging';
import { assertStoreId, InjectModel } from '@app/persistence';

import { DEAD_LETTER_MODEL, type DeadLetter } from './dead-letter.schema';
import { DEAD_LETTER_AAD } from './sealed-message';

const SERVICE = 'gateway';

/**
 * After the privacy service rotated a store's data key: the gateway's sealed data at rest for the store, the
 * dead letters' original messages (`sealed`), are sealed again under the active key so they stay replayable
 * once the retired version is removed. Each one is written only while it is still the blob read.
 */
@Controller()
export class DeadLetterKeyRotationHandler {
  private readonly activity: OpsActivityLog;

  constructor(
    @InjectModel(DEAD_LETTER_MODEL) private readonly deadLetters: Model<DeadLetter>,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
  ) {
    this.activity = new OpsActivityLog(publisher, { service: SERVICE, defaultDirection: 'salla_to_odoo' });
  }

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  async onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    const { storeId } = event;
    const result: ReencryptionResult = { reencryptedCount: 0, details: 'dead-lettered messages' };
    try {
      result.reencryptedCount = await this.reencryptDeadLetters(storeId);
    } catch (err) {
      result.error = err;
    }
    const { report, message } = keyReencryptionReport(SERVICE, event.payload, result);
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

  private async reencryptDeadLetters(storeId: string): Promise<number> {
    assertStoreId(storeId, 'DeadLetterKeyRotationHandler');
    const letters = await this.deadLetters
      .find({ storeId, sealed: { $exists: true } })
      .select({ _id: 1, sealed: 1 })
      .limit(10_000)
      .lean<Array<Pick<DeadLetter, 'sealed'> & { _id: unknown }>>()
      .exec();
    let count = 0;
    for (const letter of letters) {
      if (!letter.sealed) continue;
      const fresh = await this.crypto.reencrypt(storeId, letter.sealed, DEAD_LETTER_AAD);
      if (fresh === letter.sealed) continue;
      const res = await this.deadLetters
        .updateOne({ _id: letter._id, storeId, 'sealed.ct': letter.sealed.ct }, { $set: { sealed: fresh } })
        .exec();
      count += res.modifiedCount;
    }
    return count;
  }
}
