import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel } from '@app/persistence';

import { ODOO_CONNECTION_MODEL, type OdooConnectionDoc } from '../connections/odoo-connection.schema';

/** Stores listed per scheduling round; a larger fleet is simply covered by several instances and rounds. */
const MAX_STORES_PER_ROUND = 5000;

/**
 * Which stores the poll visits: those whose Odoo connection works and whose sync is on. The one query of the
 * stock sync that is not about one store (it yields store ids only); everything after it is store-scoped.
 */
@Injectable()
export class ConnectedStores {
  constructor(@InjectModel(ODOO_CONNECTION_MODEL) private readonly model: Model<OdooConnectionDoc>) {}

  async ids(): Promise<string[]> {
    const rows = await this.model
      .find({ status: 'connected', syncEnabled: true }, { storeId: 1 })
      .limit(MAX_STORES_PER_ROUND)
      .lean<Array<Pick<OdooConnectionDoc, 'storeId'>>>()
      .exec();
    return rows.map((row) => row.storeId);
  }
}
