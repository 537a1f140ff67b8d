import { Injectable } from '@nestjs/common';
import type { FilterQuery, Model } from 'mongoose';

import { InjectModel } from '@app/persistence';

import { ADMIN_AUDIT_MODEL, type AdminAuditRecord } from './admin-audit.schema';

export interface AuditQuery {
  storeId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** `at` of the last record of the previous page (records are newest first). */
  before?: Date;
}

@Injectable()
export class AdminAuditRepository {
  constructor(@InjectModel(ADMIN_AUDIT_MODEL) private readonly model: Model<AdminAuditRecord>) {}

  async record(entry: AdminAuditRecord): Promise<void> {
    await this.model.create(entry);
  }

  /** Compliance's query; cross-store by design when no storeId is given (see the schema's comment). */
  async query(q: AuditQuery): Promise<AdminAuditRecord[]> {
    const filter: FilterQuery<AdminAuditRecord> = {};
    if (q.storeId) filter.storeId = q.storeId;
    if (q.actor) filter.actor = q.actor;
    const at: Record<string, Date> = {};
    if (q.from) at.$gte = q.from;
    if (q.to) at.$lte = q.to;
    if (q.before && (!at.$lt || q.before < at.$lt)) at.$lt = q.before;
    if (Object.keys(at).length > 0) filter.at = at;
    return this.model
      .find(filter)
      .sort({ at: -1 })
      .limit(q.limit)
      .select({ _id: 0 })
      .lean<AdminAuditRecord[]>()
      .exec();
  }
}
