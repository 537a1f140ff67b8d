import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Model } from 'mongoose';

import { type EventEnvelope, StoreKeyRotated, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { KafkaEvent } from '@app/messaging';
import { assertStoreId, InjectModel } from '@app/persistence';
import { KeyReencryptionReporter } from '@app/privacy-participant';

import { DEAD_LETTER_MODEL, type DeadLetter } from './dead-letter.schema';
import { DEAD_LETTER_AAD } from './sealed-message';

/**
 * After the privacy service rotated a store's data key: the gateway's sealed data at rest for the store, the
 * dead letters' original messages (`sealed`), are sealed again under the active key so they stay replayable
 * once the retired version is removed. Each one is written only while it is still the blob read.
 */
@Controller()
export class DeadLetterKeyRotationHandler {
  constructor(
    @InjectModel(DEAD_LETTER_MODEL) private readonly deadLetters: Model<DeadLetter>,
    private readonly crypto: CryptoService,
    private readonly reporter: KeyReencryptionReporter,
  ) {}

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    return this.reporter.answer(event, 'dead-lettered messages', () =>
      this.reencryptDeadLetters(event.storeId),
    );
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
