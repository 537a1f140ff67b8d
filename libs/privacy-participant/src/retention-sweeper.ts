import { Injectable, Logger } from '@nestjs/common';
import { type Model, Schema } from 'mongoose';

import type { RetentionRule, RetentionSweepCount } from '@app/contracts';
import { MongoConnection, sweepOlderThan } from '@app/persistence';

import { PrivacyCollectionRegistry } from './data-class-registry';

const DAY_MS = 24 * 60 * 60 * 1000;

type Loose = Record<string, unknown>;

/**
 * Applies a retention policy to this service's own registered collections: documents (of every store)
 * whose timestamp field is older than their class's retention are deleted in batches with `sweepOlderThan`
 * — no TTL indexes. Classes without a rule, and collections without a timestamp field, are left alone.
 */
@Injectable()
export class RetentionSweeper {
  private readonly logger = new Logger(RetentionSweeper.name);

  constructor(
    private readonly mongo: MongoConnection,
    private readonly registry: PrivacyCollectionRegistry,
  ) {}

  async sweep(rules: readonly RetentionRule[], now: Date = new Date()): Promise<RetentionSweepCount[]> {
    const db = this.mongo.connection.db;
    if (!db) throw new Error('database not connected');
    const days = new Map(rules.map((r) => [r.dataClass as string, r.retentionDays]));
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    const counts: RetentionSweepCount[] = [];
    for (const entry of this.registry.sweepable()) {
      const retentionDays = days.get(entry.dataClass);
      if (retentionDays === undefined || !existing.has(entry.collection) || !entry.timestampField) continue;
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const model = this.modelFor(entry.collection, entry.timestampField);
      const { deleted } = await sweepOlderThan(model, entry.timestampField, cutoff, {
        allStores: true,
        batchSize: 1000,
      });
      counts.push({ dataClass: entry.dataClass, collection: entry.collection, deleted });
    }
    this.logger.log({ msg: 'retention sweep done', counts });
    return counts;
  }

  /** A minimal model over the collection: the sweep reads only `_id` and the timestamp. */
  private modelFor(collection: string, field: string): Model<Loose> {
    const name = `PrivacyRetention:${collection}:${field}`;
    const conn = this.mongo.connection;
    if (conn.models[name]) return conn.models[name] as Model<Loose>;
    const schema = new Schema<Loose>(
      { storeId: String, [field]: Date },
      {
        collection,
        strict: false,
        autoIndex: false,
        autoCreate: false,
        bufferCommands: false,
        versionKey: false,
      },
    );
    return conn.model<Loose>(name, schema);
  }
}
