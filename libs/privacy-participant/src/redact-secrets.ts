import { isEncryptedValue } from '@app/contracts';

/** What a sealed secret becomes in an export: the person gets the fact that a secret is set, never the secret. */
export const REDACTED = '[redacted]';

/**
 * A JSON-safe deep copy of `value` in which every `EncryptedValue` (an API key, a token) is replaced by
 * `"[redacted]"`. ObjectIds and Dates become strings (their JSON form); Buffers are redacted too, since
 * binary fields here are key material or ciphertext.
 */
export function redactSecrets(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (isEncryptedValue(value) || Buffer.isBuffer(value)) return REDACTED;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    // ObjectId, Decimal128 and similar driver types know their JSON form.
    if (typeof json === 'function' && value.constructor !== Object) return redactSecrets(json.call(value));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v);
    return out;
  }
  return value;
}
