import type { PaymentStatus } from '@app/contracts';

/*
 * Salla has no payment-status field: it follows from the payment method, `is_pending_payment` and the order's
 * status slug. Online methods (cards, mada, Apple Pay, STC Pay, Tabby, Tamara …) only create an order once the
 * payment went through; a bank transfer waits for the merchant to review the receipt; cash on delivery is paid
 * when the parcel is handed over.
 */

const CANCELLED_SLUGS = new Set(['canceled', 'cancelled']);
/** 'restored' is Salla's "returned and refunded"; 'restoring' (return under way) has not refunded yet. */
const REFUNDED_SLUGS = new Set(['restored', 'refunded']);
/** Where a courier has collected the cash. */
const COD_COLLECTED_SLUGS = new Set(['delivered', 'completed']);

export function paymentStatusOf(order: {
  statusSlug: string;
  paymentMethod: string | undefined;
  isPendingPayment: boolean | undefined;
}): PaymentStatus {
  const slug = order.statusSlug.toLowerCase();
  if (CANCELLED_SLUGS.has(slug)) return 'cancelled';
  if (REFUNDED_SLUGS.has(slug)) return 'refunded';
  if (order.isPendingPayment === true || slug === 'payment_pending') return 'pending';
  switch (order.paymentMethod?.toLowerCase()) {
    case 'cod':
      return COD_COLLECTED_SLUGS.has(slug) ? 'paid' : 'pending';
    case 'bank':
      // A transfer under review: the receipt is uploaded but the money is not confirmed.
      return slug === 'under_review' ? 'pending' : 'paid';
    case undefined:
      return 'pending';
    default:
      return 'paid';
  }
}
