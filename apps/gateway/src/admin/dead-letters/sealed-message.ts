import type { IHeaders } from 'kafkajs';

import { MessagingHeaders } from '@app/messaging';

/** AAD the original message is sealed with: no other sealed value of the store can stand in for it. */
export const DEAD_LETTER_AAD = 'admin:dead-letter-message';

/** The original message as kept (sealed) in the dead-letter index: exact bytes, base64. */
export interface SealedMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const OURS = new Set<string>(Object.values(MessagingHeaders));

/**
 * The message's own headers, without the dead-letter bookkeeping (`x-dlt-*`, `x-attempt`): a replay is a
 * fresh first attempt, and a failure after it writes new dead-letter headers anyway.
 */
export function originalMessage(
  key: Buffer | null,
  value: Buffer | null,
  headers: IHeaders | undefined,
): SealedMessage {
  const kept: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    if (OURS.has(name) || raw === undefined) continue;
    const last = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (last === undefined) continue;
    kept[name] = (Buffer.isBuffer(last) ? last : Buffer.from(String(last), 'utf8')).toString('base64');
  }
  return {
    key: key ? key.toString('base64') : null,
    value: value ? value.toString('base64') : null,
    headers: kept,
  };
}

/** The store a dead letter belongs to: the envelope's storeId, else the key's `storeId[:entity]` prefix. */
export function storeIdOf(key: Buffer | null, value: Buffer | null): string | undefined {
  const valid = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(s);
  if (value) {
    try {
      const parsed = JSON.parse(value.toString('utf8')) as { storeId?: unknown };
      if (valid(parsed.storeId)) return parsed.storeId;
    } catch {
      // not JSON: fall back to the key
    }
  }
  const fromKey = key?.toString('utf8').split(':')[0];
  return valid(fromKey) ? fromKey : undefined;
}
