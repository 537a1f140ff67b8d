import { createHash } from 'node:crypto';

/**
 * A UUID (v4 layout) derived from `seed`: the same seed always gives the same id, so work started twice
 * from the same cause (a redelivered event, the same schedule slot on two instances) collides on `_id`.
 */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
