import { randomUUID } from 'node:crypto';

import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { type ExportPart, keyFor, PrivacyExportRequested, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import type { Stored } from '@app/persistence';
import { EXPORT_PART_AAD } from '@app/privacy-participant';

import { expectedServicesOf, type PrivacyServiceEnv } from '../privacy-service.env';
import type { StoreExport } from './export.schema';
import { ExportsRepository } from './exports.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Associated data of the assembled export document. */
export const EXPORT_DOCUMENT_AAD = 'privacy:export-document';

/**
 * "Request a copy of your integration configuration": asks every service for its part, then assembles one
 * machine-readable JSON document, kept sealed until FINISHED_EXPORTS retention removes it.
 */
@Injectable()
export class ExportAssembler {
  private readonly logger = new Logger(ExportAssembler.name);

  constructor(
    private readonly exports: ExportsRepository,
    private readonly crypto: CryptoService,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {}

  async start(
    storeId: string,
    requestId?: string,
  ): Promise<{ created: boolean; export: Stored<StoreExport> }> {
    const now = new Date();
    const result = await this.exports.createOnce(storeId, {
      _id: requestId ?? randomUUID(),
      status: 'pending',
      requestedAt: now,
      expectedServices: expectedServicesOf(this.config),
      parts: {},
    });
    if (result.export.storeId !== storeId)
      throw new ConflictException('this request id belongs to another store');
    if (result.created) {
      const event = new PrivacyExportRequested();
      event.requestId = result.export._id;
      event.scope = 'store';
      event.requestedAt = now.toISOString();
      await this.publisher.publish(
        Topic.PrivacyExportRequested,
        newEnvelope(Topic.PrivacyExportRequested, storeId, event),
        { key: keyFor(storeId) },
      );
    }
    return result;
  }

  async onPart(storeId: string, exportId: string, part: ExportPart): Promise<void> {
    const current = await this.exports.findOne(storeId, { _id: exportId });
    if (!current || current.status !== 'pending') return;
    await this.exports.addPart(storeId, exportId, part.service, {
      outcome: part.outcome,
      recordCount: part.recordCount,
      ...(part.content ? { content: part.content } : {}),
      receivedAt: new Date(),
    });
    const updated = await this.exports.findOne(storeId, { _id: exportId });
    if (!updated || updated.expectedServices.some((s) => !updated.parts[s])) return;
    await this.assemble(updated);
  }

  private async assemble(doc: Stored<StoreExport>): Promise<void> {
    const now = new Date();
    const services: Record<string, unknown> = {};
    const failed: string[] = [];
    for (const service of doc.expectedServices) {
      const part = doc.parts[service];
      if (part.outcome === 'failed') failed.push(service);
      services[service] = part.content
        ? await this.crypto.decryptJson(doc.storeId, part.content, EXPORT_PART_AAD)
        : { collections: {}, recordCount: 0, truncated: [] };
    }
    const document = {
      exportId: doc._id,
      storeId: doc.storeId,
      kind: 'store-configuration',
      generatedAt: now.toISOString(),
      secrets: 'every stored secret (API keys, tokens) is shown as "[redacted]"',
      services,
    };
    const expiresAt = new Date(now.getTime() + this.config.RETENTION_FINISHED_EXPORTS_DAYS * DAY_MS);
    await this.exports.finish(doc.storeId, doc._id, {
      status: failed.length > 0 ? 'failed' : 'completed',
      document: await this.crypto.encryptJson(doc.storeId, document, EXPORT_DOCUMENT_AAD),
      finishedAt: now,
      expiresAt,
      ...(failed.length > 0 ? { failure: `export failed in: ${failed.join(', ')}` } : {}),
    });
    this.logger.log({ msg: 'store export assembled', storeId: doc.storeId, exportId: doc._id, failed });
  }

  /** The export's JSON document, or null when it is not ready, expired or unreadable (store erased). */
  async document(doc: Stored<StoreExport>, now: Date = new Date()): Promise<unknown> {
    if (!doc.document || (doc.expiresAt && doc.expiresAt.getTime() <= now.getTime())) return null;
    try {
      return await this.crypto.decryptJson(doc.storeId, doc.document, EXPORT_DOCUMENT_AAD);
    } catch {
      return null; // the store's key was shredded: the export went with the store's data
    }
  }
}
