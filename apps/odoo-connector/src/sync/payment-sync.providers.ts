import { CreditNotes } from './credit-notes';
import { OrderPayments } from './order-payments';
import { OrderRefunds } from './order-refunds';
import { OrdersBatch } from './orders-batch';
import { PAYMENT_JOURNAL_MAPPING_MODEL, paymentJournalMappingSchema } from './payment-journal-mapping.schema';
import { PaymentJournalMappingsRepository } from './payment-journal-mappings.repository';
import { PaymentJournals } from './payment-journals';
import { ShippedHistory } from './shipped-history';

/** Mongo models of the payment registration (journal mappings), for PersistenceModule.forFeature. */
export const PAYMENT_SYNC_MODELS = [
  { name: PAYMENT_JOURNAL_MAPPING_MODEL, schema: paymentJournalMappingSchema },
];

/** Payment registration, refunds as credit notes, and the batched backfill of orders (and its shipped history). */
export const PAYMENT_SYNC_PROVIDERS = [
  PaymentJournalMappingsRepository,
  PaymentJournals,
  OrderPayments,
  CreditNotes,
  OrderRefunds,
  OrdersBatch,
  ShippedHistory,
];
