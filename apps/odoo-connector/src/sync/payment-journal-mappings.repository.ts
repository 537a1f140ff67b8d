import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';

import { InjectModel, StoreScopedRepository, type Stored } from '@app/persistence';

import {
  PAYMENT_JOURNAL_MAPPING_MODEL,
  type PaymentJournalMappingDoc,
} from './payment-journal-mapping.schema';

/** A store's Salla payment method → Odoo journal mappings (see PaymentJournalMappingDoc). */
@Injectable()
export class PaymentJournalMappingsRepository extends StoreScopedRepository<PaymentJournalMappingDoc> {
  constructor(@InjectModel(PAYMENT_JOURNAL_MAPPING_MODEL) model: Model<PaymentJournalMappingDoc>) {
    super(model);
  }

  get(storeId: string, methodCode: string): Promise<Stored<PaymentJournalMappingDoc> | null> {
    return this.findOne(storeId, { _id: idOf(storeId, methodCode) });
  }

  /** Maps (or, with null, deliberately unmaps) a method for the store; replaces any earlier mapping. */
  async set(
    storeId: string,
    methodCode: string,
    journalCode: string | null,
    origin: PaymentJournalMappingDoc['origin'] = 'merchant',
  ): Promise<void> {
    await this.upsert(
      storeId,
      { _id: idOf(storeId, methodCode) },
      { methodCode: methodCode.toLowerCase(), journalCode, origin },
    );
  }

  /**
   * The merchant's whole list from the app settings: each pair set, and the merchant's earlier pairs that are no
   * longer in the list removed (the method falls back to the operator's default or a journal of its name).
   */
  async replaceMerchant(
    storeId: string,
    pairs: ReadonlyArray<{ methodCode: string; journalCode: string }>,
  ): Promise<void> {
    for (const { methodCode, journalCode } of pairs)
      await this.set(storeId, methodCode, journalCode, 'merchant');
    await this.deleteMany(storeId, {
      origin: 'merchant',
      methodCode: { $nin: pairs.map((p) => p.methodCode.toLowerCase()) },
    });
  }

  /** Records a journal found by name, unless the store already has a mapping for the method (the merchant's wins). */
  async setIfAbsent(storeId: string, methodCode: string, journalCode: string): Promise<void> {
    await this.upsert(
      storeId,
      { _id: idOf(storeId, methodCode) },
      { methodCode: methodCode.toLowerCase() },
      { setOnInsert: { journalCode, origin: 'matched' } },
    );
  }
}

const idOf = (storeId: string, methodCode: string): string => `${storeId}:${methodCode.toLowerCase()}`;
