import { defineStoreScopedSchema, type TimestampFields } from '@app/persistence';

export const PAYMENT_JOURNAL_MAPPING_MODEL = 'PaymentJournalMapping';

/**
 * Which Odoo journal a store's payments of one Salla payment method are registered in. One document per
 * store and method code, `_id` = `<storeId>:<methodCode>`. `journalCode` null = deliberately not mapped (the
 * store's orders paid that way are confirmed, never paid in Odoo), which overrides the operator's default.
 */
export interface PaymentJournalMappingDoc extends TimestampFields {
  _id: string;
  storeId: string;
  methodCode: string;
  /** The Odoo journal's short code (`BNK1`, `CSH1`...): stable across renames, unique per company. */
  journalCode: string | null;
  /** `merchant` (set for the store) or `matched` (found by name when the payment method arrived). */
  origin: 'merchant' | 'matched';
}

export const paymentJournalMappingSchema = defineStoreScopedSchema<PaymentJournalMappingDoc>(
  {
    _id: { type: String, required: true },
    methodCode: { type: String, required: true },
    journalCode: { type: String, default: null },
    origin: { type: String, required: true },
  },
  { collection: 'payment_journal_mappings' },
);
