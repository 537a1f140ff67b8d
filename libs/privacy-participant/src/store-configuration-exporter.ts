import { Injectable } from '@nestjs/common';

import { MissingStoreScopeError, MongoConnection } from '@app/persistence';

import { PrivacyCollectionRegistry } from './data-class-registry';
import { redactSecrets } from './redact-secrets';

/** At most this many documents per collection go into one export part (a part travels in one Kafka message). */
export const EXPORT_MAX_DOCUMENTS_PER_COLLECTION = 500;

export interface StoreConfigurationExport {
  /** Collection → the store's documents in it, secrets redacted. */
  collections: Record<string, unknown[]>;
  recordCount: number;
  /** Collections cut at EXPORT_MAX_DOCUMENTS_PER_COLLECTION. */
  truncated: string[];
}

/**
 * Reads one store's configuration from this service's own database: every collection whose data class is
 * `configuration` (registered, or not registered at all), with every sealed secret replaced by "[redacted]".
 */
@Injectable()
export class StoreConfigurationExporter {
  constructor(
    private readonly mongo: MongoConnection,
    private readonly registry: PrivacyCollectionRegistry,
  ) {}

  async exportStore(storeId: string): Promise<StoreConfigurationExport> {
    if (typeof storeId !== 'string' || storeId.trim() === '')
      throw new MissingStoreScopeError('exportStore', storeId);
    const db = this.mongo.connection.db;
    if (!db) throw new Error('database not connected');
    const result: StoreConfigurationExport = { collections: {}, recordCount: 0, truncated: [] };
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    for (const name of names) {
      if (this.registry.isInfrastructure(name) || this.registry.classOf(name) !== 'configuration') continue;
      const docs = await db
        .collection(name)
        .find({ storeId })
        .limit(EXPORT_MAX_DOCUMENTS_PER_COLLECTION + 1)
        .toArray();
      if (docs.length === 0) continue;
      if (docs.length > EXPORT_MAX_DOCUMENTS_PER_COLLECTION) {
        docs.length = EXPORT_MAX_DOCUMENTS_PER_COLLECTION;
        result.truncated.push(name);
      }
      result.collections[name] = docs.map((d) => redactSecrets(d));
      result.recordCount += docs.length;
    }
    return result;
  }
}
