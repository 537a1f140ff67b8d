import { parseSallaCreatedAt } from './parse-created-at';

/** A verified webhook's envelope, normalised: merchant as a string, created_at also as ISO UTC. */
export interface SallaEnvelope {
  event: string;
  /** Salla's `merchant`: the store id, always a string. */
  merchant: string;
  /** `created_at` exactly as sent. */
  createdAt: string;
  /** `created_at` as ISO-8601 UTC. */
  createdAtUtc: string;
  data: Record<string, unknown>;
}

/** Which part of the envelope is wrong; `field` names it for the 400 answer (never echoes the value). */
export interface EnvelopeProblem {
  field: 'body' | 'event' | 'merchant' | 'created_at' | 'data';
  error: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: EnvelopeProblem };

/** Same rule as the `event` of the SallaWebhookReceived contract. */
const EVENT_NAME = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;
const MERCHANT_ID = /^[0-9]{1,20}$/;
/**
 * Deepest nesting of `data` accepted. Salla's bodies nest a handful of levels; JSON.parse takes any depth,
 * but JSON.stringify (sealing, and every consumer) overflows the stack at a few thousand, which turned a
 * signed deeply nested body into a 503 that Salla would retry forever (found by the webhook fuzz).
 */
export const MAX_DATA_DEPTH = 64;

const fail = (field: EnvelopeProblem['field'], error: string): { ok: false; problem: EnvelopeProblem } => ({
  ok: false,
  problem: { field, error },
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The event name alone: the intake decides on it whether to look at the rest at all (an event it does not
 * handle is acknowledged without reading, storing or logging its body).
 */
export function parseEventName(body: unknown): Parsed<string> {
  if (!isPlainObject(body)) return fail('body', 'body must be a JSON object');
  const event = body.event;
  if (typeof event !== 'string' || event === '')
    return fail('event', 'event is required and must be a string');
  if (event.length > 128 || !EVENT_NAME.test(event))
    return fail('event', 'event must be a Salla event name such as order.created');
  return { ok: true, value: event };
}

/** `merchant` as a string: a positive integer, or a string of digits (Salla has sent both). */
export function parseMerchant(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return MERCHANT_ID.test(trimmed) && !/^0+$/.test(trimmed) ? trimmed : null;
  }
  return null;
}

/** The whole envelope `{ event, merchant, created_at, data }`; the first problem found is reported. */
export function parseEnvelope(body: unknown): Parsed<SallaEnvelope> {
  const event = parseEventName(body);
  if (!event.ok) return event;
  const envelope = body as Record<string, unknown>;

  if (envelope.merchant === undefined || envelope.merchant === null)
    return fail('merchant', 'merchant is required');
  const merchant = parseMerchant(envelope.merchant);
  if (merchant === null)
    return fail('merchant', 'merchant must be a store id (a number or a string of digits)');

  const createdAt = envelope.created_at;
  if (typeof createdAt !== 'string' || createdAt.trim() === '')
    return fail('created_at', 'created_at is required and must be a string');
  const createdAtUtc = createdAt.length <= 64 ? parseSallaCreatedAt(createdAt) : null;
  if (createdAtUtc === null) {
    return fail(
      'created_at',
      "created_at must look like '2022-12-31 12:31:25' or 'Sun Jun 26 2022 12:21:48 GMT+0300'",
    );
  }

  if (!isPlainObject(envelope.data)) return fail('data', 'data is required and must be a JSON object');
  if (nestedDeeperThan(envelope.data, MAX_DATA_DEPTH))
    return fail('data', `data must not nest deeper than ${MAX_DATA_DEPTH} levels`);

  return {
    ok: true,
    value: { event: event.value, merchant, createdAt, createdAtUtc, data: envelope.data },
  };
}

/** Whether `value` has objects/arrays nested more than `max` levels deep; iterative, so any depth is safe. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
