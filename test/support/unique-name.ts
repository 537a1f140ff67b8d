import { randomBytes } from 'node:crypto';

/**
 * A fresh name for a Kafka topic, consumer group or MongoDB database, e.g. `orders-m3x9k2a1-4f7c2a`.
 * Only [a-z0-9-] is used (valid for Kafka topics and Mongo database names); the result stays short
 * (Mongo database names must be < 64 bytes), so keep prefixes modest.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  return clean ? `${clean}-${suffix}` : suffix;
}
