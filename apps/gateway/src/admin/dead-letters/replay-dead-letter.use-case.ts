import { Injectable, Logger } from '@nestjs/common';

import { CryptoService } from '@app/crypto';
import { describeError, EventPublisher } from '@app/messaging';

import type { DeadLetterFilter, StoredDeadLetter } from './dead-letters.repository';
import { DeadLettersRepository } from './dead-letters.repository';
import { DEAD_LETTER_AAD, type SealedMessage } from './sealed-message';

export type ReplayOutcome =
  'replayed' | 'not-found' | 'already-handled' | 'not-replayable' | 'publish-failed';

/** Replays one at a time: bulk replays are bounded so one request cannot run for minutes. */
export const MAX_BULK_REPLAY = 200;

/**
 * Republishes a dead letter's original message (key, value, its own headers) to its source topic, once:
 * the action claim (unique per dead letter) is taken before publishing and given back only if the publish
 * fails. Consumers are idempotent by event id, so a message that was also redelivered is applied once.
 */
@Injectable()
export class ReplayDeadLetterUseCase {
  private readonly logger = new Logger(ReplayDeadLetterUseCase.name);

  constructor(
    private readonly repository: DeadLettersRepository,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
  ) {}

  async replayOne(id: string, by: string): Promise<ReplayOutcome> {
    const letter = await this.repository.byId(id);
    if (!letter) return 'not-found';
    return this.replay(letter, by);
  }

  async replayMatching(filter: DeadLetterFilter, by: string): Promise<Record<ReplayOutcome, number>> {
    const counts: Record<ReplayOutcome, number> = {
      replayed: 0,
      'not-found': 0,
      'already-handled': 0,
      'not-replayable': 0,
      'publish-failed': 0,
    };
    const letters = await this.repository.list({ ...filter, state: 'parked' }, MAX_BULK_REPLAY);
    for (const letter of letters) counts[await this.replay(letter, by)] += 1;
    return counts;
  }

  private async replay(letter: StoredDeadLetter, by: string): Promise<ReplayOutcome> {
    if (letter.state !== 'parked') return 'already-handled';
    if (!letter.sealed || !letter.storeId) return 'not-replayable';
    let original: SealedMessage;
    try {
      original = await this.crypto.decryptJson<SealedMessage>(letter.storeId, letter.sealed, DEAD_LETTER_AAD);
    } catch {
      return 'not-replayable'; // the store's key is gone (erased store)
    }
    const id = letter._id.toHexString();
    if (
      !(await this.repository.claimAction({
        deadLetterId: id,
        action: 'replay',
        by,
        at: new Date(),
        storeId: letter.storeId,
      }))
    )
      return 'already-handled';
    const headers: Record<string, Buffer> = {};
    for (const [name, b64] of Object.entries(original.headers)) headers[name] = Buffer.from(b64, 'base64');
    headers['x-replayed-from'] = Buffer.from(
      `${letter.dltTopic}[${letter.dltPartition}]@${letter.dltOffset}`,
    );
    try {
      await this.publisher.publishRaw(letter.sourceTopic, [
        {
          key: original.key === null ? null : Buffer.from(original.key, 'base64'),
          value: original.value === null ? null : Buffer.from(original.value, 'base64'),
          headers,
        },
      ]);
    } catch (err) {
      this.logger.error(`replay of dead letter ${id} to ${letter.sourceTopic} failed: ${describeError(err)}`);
      await this.repository.releaseAction(id);
      return 'publish-failed';
    }
    await this.repository.markState(letter._id, 'replayed', by);
    return 'replayed';
  }

  /** Discards a parked dead letter for good, with a reason; false when it was already replayed/discarded. */
  async discard(letter: StoredDeadLetter, by: string, reason: string): Promise<boolean> {
    if (letter.state !== 'parked') return false;
    const id = letter._id.toHexString();
    const claimed = await this.repository.claimAction({
      deadLetterId: id,
      action: 'discard',
      by,
      at: new Date(),
      ...(letter.storeId ? { storeId: letter.storeId } : {}),
    });
    if (!claimed) return false;
    await this.repository.markState(letter._id, 'discarded', by, { discardReason: reason });
    return true;
  }
}
