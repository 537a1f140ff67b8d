import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

import type { ConsumerRuntime, Outcome } from './consumer-runtime';
import { describeError } from './errors';

/** Processes one message to a durable outcome (see message-processing). */
export type ProcessOne = (message: KafkaMessage) => Promise<Outcome>;
/** Commits everything up to and including `message` (see message-processing). */
export type CommitThrough = (message: KafkaMessage) => Promise<void>;

/**
 * One fetched partition batch with up to `limit` messages in progress at once, never two with the same key:
 * a key's messages are handled one after the other in offset order, as on a sequential partition. Keys are
 * how the contracts say what must stay in order (an order's id, a store's id); different keys on one
 * partition only share it by hashing, and one slow key (a merchant's slow Odoo, a message in retry backoff)
 * should not hold up the other stores hashed next to it.
 *
 * Commits stay contiguous: the committed offset only moves past a message once it and every message before it
 * are durable. On stop or rebalance no new message starts, the ones in progress finish, and whatever finished
 * beyond the first unfinished one is redelivered later (handlers are idempotent: at-least-once, as always).
 */
export async function processWithKeyConcurrency(
  rt: ConsumerRuntime,
  payload: EachBatchPayload,
  limit: number,
  processOne: ProcessOne,
  commitThrough: CommitThrough,
): Promise<void> {
  const { batch, isRunning, isStale } = payload;
  const messages = batch.messages;
  const finished = new Array<boolean>(messages.length).fill(false);
  const busyKeys = new Set<string>();
  let inProgress = 0;
  let abandoned = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;

  // The contiguous done prefix, and one commit at a time that always catches up with it.
  let prefix = -1;
  let committed = -1;
  let committing: Promise<void> | null = null;
  const catchUpCommits = (): void => {
    if (committing || committed >= prefix || failure !== null) return;
    committing = (async () => {
      while (committed < prefix && failure === null) {
        const target = prefix;
        await commitThrough(messages[target]);
        committed = target;
      }
    })()
      .catch((err: unknown) => {
        failure ??= err; // e.g. a rebalance reported by the commit: stop starting, rethrow at the end
      })
      .finally(() => {
        committing = null;
        wake?.();
      });
  };

  const stopping = (): boolean =>
    abandoned || failure !== null || !isRunning() || isStale() || rt.stopSignal.aborted;

  // Each key's messages in offset order; keys in order of first appearance, dropped once drained.
  const keys = messages.map((m) => (m.key ? m.key.toString('latin1') : ''));
  const queues = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const queue = queues.get(key);
    if (queue) queue.push(i);
    else queues.set(key, [i]);
  });

  /** The next message of the earliest-seen key that has none in progress (at most `limit` are skipped). */
  const nextStartable = (): number => {
    for (const [key, queue] of queues) {
      if (busyKeys.has(key)) continue;
      const i = queue.shift()!;
      if (queue.length === 0) queues.delete(key);
      return i;
    }
    return -1;
  };

  const start = (i: number): void => {
    const key = keys[i];
    busyKeys.add(key);
    inProgress++;
    void processOne(messages[i])
      .then(
        (outcome) => {
          if (outcome === 'abandoned') abandoned = true;
          else finished[i] = true;
        },
        (err: unknown) => {
          failure ??= err;
        },
      )
      .finally(() => {
        inProgress--;
        busyKeys.delete(key);
        while (prefix + 1 < messages.length && finished[prefix + 1]) prefix++;
        catchUpCommits();
        wake?.();
      });
  };

  for (;;) {
    if (!stopping()) {
      while (inProgress < limit) {
        const i = nextStartable();
        if (i < 0 || stopping()) break;
        start(i);
      }
    }
    const allDone = prefix === messages.length - 1;
    if (inProgress === 0 && !committing && (allDone || stopping())) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
  if (failure !== null) throw failure instanceof Error ? failure : new Error(describeError(failure));
}
