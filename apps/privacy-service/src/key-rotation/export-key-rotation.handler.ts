import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Model } from 'mongoose';

import { type EventEnvelope, type EncryptedValue, StoreKeyRotated, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { KafkaEvent } from '@app/messaging';
import { InjectModel, StoreScopedRepository } from '@app/persistence';
import { EXPORT_PART_AAD, KeyReencryptionReporter } from '@app/privacy-participant';

import { EXPORT_DOCUMENT_AAD } from '../exports/export-assembler';
import { EXPORT_MODEL, type StoreExport } from '../exports/export.schema';

/**
 * The privacy service's own sealed values of a store: its configuration exports (each service's part, and
 * the assembled document). Re-encrypted under the active key on `ops.store-key.rotated.v1`, each value
 * written only if it is still the one read (an export finishing meanwhile is not overwritten).
 */
@Controller()
export class ExportKeyRotationHandler {
  private readonly exports: StoreScopedRepository<StoreExport>;

  constructor(
    @InjectModel(EXPORT_MODEL) model: Model<StoreExport>,
    private readonly crypto: CryptoService,
    private readonly reporter: KeyReencryptionReporter,
  ) {
    this.exports = new StoreScopedRepository(model);
  }

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    return this.reporter.answer(event, 'configuration exports', () => this.reencryptExports(event.storeId));
  }

  private async reencryptExports(storeId: string): Promise<number> {
    let count = 0;
    for (const doc of await this.exports.find(storeId, {}, { limit: 1000 })) {
      const sealed: Array<[path: string, value: EncryptedValue, aad: string]> = [];
      if (doc.document) sealed.push(['document', doc.document, EXPORT_DOCUMENT_AAD]);
      for (const [service, part] of Object.entries(doc.parts ?? {})) {
        if (part.content) sealed.push([`parts.${service}.content`, part.content, EXPORT_PART_AAD]);
      }
      for (const [path, value, aad] of sealed) {
        const fresh = await this.crypto.reencrypt(storeId, value, aad);
        if (fresh === value) continue;
        const res = await this.exports.updateOne(
          storeId,
          { _id: doc._id, [`${path}.ct`]: value.ct },
          { $set: { [path]: fresh } },
        );
        count += res.modified;
      }
    }
    return count;
  }
}
