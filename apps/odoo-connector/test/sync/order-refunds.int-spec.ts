import { type SalesOrderRefunded, type SalesOrderUpserted, Topic } from '@app/contracts';
import { type FakeOdoo } from '@app/fake-odoo';
import { waitFor } from '@app/testing';

import { BindingCacheRepository } from '../../src/bindings/binding-cache.repository';
import { PaymentJournalMappingsRepository } from '../../src/sync/payment-journal-mappings.repository';
import { OdooSyncHarness } from './odoo-sync-harness';
import { paidOrder } from './paid-order.fixture';

jest.setTimeout(300_000);

const order = paidOrder;

const refundOf = (
  o: SalesOrderUpserted,
  refundId: string,
  amount: string,
  full = false,
): SalesOrderRefunded => ({
  source: 'salla',
  orderId: o.orderId,
  referenceId: o.referenceId,
  refundId,
  amount,
  currency: 'SAR',
  isFullRefund: full,
  refundedAt: '2026-11-30T07:00:00.000Z',
  reason: 'Customer returned it',
});

describe.each(['16', '19'] as const)(
  'Salla refunds as Odoo credit notes against a %s-style Odoo',
  (style) => {
    let harness: OdooSyncHarness;
    let fake: FakeOdoo;
    let storeId: string;
    let n = 0;
    const nextId = () => `${style}${Date.now() % 1_000_000}${n++}`;
    const paidState = style === '19' ? 'in_payment' : 'paid';

    beforeAll(async () => {
      ({ harness, fake, storeId } = await OdooSyncHarness.startConnected({ style }));
      await harness.svc.app.get(PaymentJournalMappingsRepository).set(storeId, 'mada', 'BNK1');
    });

    afterAll(async () => {
      await harness?.stop();
      await fake?.close();
    });

    const value = (model: string, id: number, field: string) =>
      fake.database().value(model, fake.database().get(model, id)!, field);
    const bank = () => fake.records('account.journal').find((j) => j.code === 'BNK1')!.id;
    const invoiceOf = (o: SalesOrderUpserted) => {
      const sale = fake.records('sale.order').find((s) => s.client_order_ref === o.referenceId)!;
      return fake
        .records('account.move')
        .find((m) => m.move_type === 'out_invoice' && m.invoice_origin === sale.name);
    };
    const creditNotesOf = (invoiceId: number) =>
      fake
        .records('account.move')
        .filter((m) => m.move_type === 'out_refund' && m.reversed_entry_id === invoiceId);
    const paymentsOf = (moveId: number) =>
      fake
        .records('account.payment')
        .filter((p) => ((p.reconciled_invoice_ids as number[]) ?? []).includes(moveId));
    const refundLines = (o: SalesOrderUpserted) =>
      harness
        .activity(storeId)
        .filter((l) => l.entityId === o.orderId && String(l.message).startsWith('Refund of'));
    const waitRefundLines = (o: SalesOrderUpserted, count: number) =>
      waitFor(() => (refundLines(o).length >= count ? refundLines(o) : null), {
        timeoutMs: 150_000,
        description: `${count} refund lines`,
      });

    async function paidOrder(overrides: Partial<SalesOrderUpserted> = {}): Promise<SalesOrderUpserted> {
      const o = order(nextId(), overrides);
      await harness.send(Topic.SalesOrderUpserted, storeId, o);
      await harness.waitActivity(
        storeId,
        (l) => l.entityId === o.orderId && l.outcome === 'ok',
        'order synced',
      );
      return o;
    }

    /** One posted credit note of `amount`, paid back once from the Bank journal. */
    function expectCreditedAndPaidBack(creditId: number, amount: number): void {
      expect(fake.database().get('account.move', creditId)!.state).toBe('posted');
      expect(value('account.move', creditId, 'amount_total')).toBe(amount);
      expect(value('account.move', creditId, 'amount_residual')).toBe(0);
      expect(value('account.move', creditId, 'payment_state')).toBe(paidState);
      const payments = paymentsOf(creditId);
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ amount, payment_type: 'outbound', journal_id: bank() });
    }

    it('a full refund delivered 5× at once: one posted credit note of the order total, paid back once', async () => {
      const o = await paidOrder();
      const refund = refundOf(o, `rf${nextId()}`, '247.25', true);
      await Promise.all(
        [0, 1, 2, 3, 4].map((i) =>
          harness.send(Topic.SalesOrderRefunded, storeId, refund, `${storeId}:${o.orderId}:${i}`),
        ),
      );
      const lines = await waitRefundLines(o, 5);
      expect(lines.map((l) => [l.outcome, l.errorCode])).toEqual(Array(5).fill(['ok', undefined]));
      expect(lines.map((l) => String(l.message)).join('\n')).toMatch(
        /credited in Odoo: credit note RINV\/\d{4}\/\d{5} of 247\.25 SAR reverses invoice INV\/.*, paid back from journal BNK1/,
      );
      const invoice = invoiceOf(o)!;
      const credits = creditNotesOf(invoice.id);
      expect(credits).toHaveLength(1);
      expect(String(credits[0].ref)).toContain(`Customer returned it — Salla refund #${refund.refundId}`);
      expectCreditedAndPaidBack(credits[0].id, 247.25);
      // As in Odoo: the invoice keeps its own payment; the credit note and its refund payment balance it.
      expect(value('account.move', invoice.id, 'payment_state')).toBe(paidState);
    });

    it.each([
      ['the reversal', 'account.move.reversal', style === '19' ? 'refund_moves' : 'reverse_moves'],
      ['posting the credit note', 'account.move', 'action_post'],
      ['paying it back', 'account.payment.register', 'action_create_payments'],
    ])(
      'a crash right after %s: one credit note, paid back once, after the retry',
      async (_label, model, method) => {
        const o = await paidOrder();
        fake.crashAfter(model, method);
        await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${nextId()}`, '247.25', true));
        const [line] = await waitRefundLines(o, 1);
        expect(line.outcome).toBe('ok');
        expect(
          fake.calls.some((c) => c.model === model && c.method === method && c.outcome === 'crashed'),
        ).toBe(true);
        const credits = creditNotesOf(invoiceOf(o)!.id);
        expect(credits).toHaveLength(1);
        expectCreditedAndPaidBack(credits[0].id, 247.25);
      },
    );

    it('an invoice paid outside the connector: the credit note is posted but stays open, and the line says to pay back by hand', async () => {
      const o = await paidOrder();
      // As if the merchant had registered the payment in Odoo: the connector no longer owns it.
      const binding = `payment_${storeId}_${o.orderId}`;
      const [row] = fake.records('ir.model.data').filter((r) => r.name === binding);
      fake.database().unlink('ir.model.data', [row.id]);
      await harness.svc.app.get(BindingCacheRepository).forget(storeId, binding);

      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${nextId()}`, '247.25', true));
      const [line] = await waitRefundLines(o, 1);
      expect(line).toMatchObject({ outcome: 'ok', errorCode: 'refund.payment_manual' });
      expect(String(line.message)).toMatch(
        /the money was NOT paid back in Odoo: .* register the refund of 247\.25 SAR on RINV\//,
      );
      const [credit] = creditNotesOf(invoiceOf(o)!.id);
      expect(credit.state).toBe('posted');
      expect(value('account.move', credit.id, 'amount_residual')).toBe(247.25);
      expect(paymentsOf(credit.id)).toHaveLength(0);
    });

    it('two equal partial refunds make two credit notes; a third beyond what is left is refused', async () => {
      const o = await paidOrder();
      for (const id of ['a', 'b']) {
        await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${id}${nextId()}`, '50.00'));
        await waitRefundLines(o, id === 'a' ? 1 : 2);
      }
      const invoice = invoiceOf(o)!;
      const credits = creditNotesOf(invoice.id);
      expect(credits).toHaveLength(2);
      const tax = fake.records('account.tax').find((t) => t.type_tax_use === 'sale')!.id;
      for (const credit of credits) {
        expectCreditedAndPaidBack(credit.id, 50);
        const lines = fake.records('account.move.line').filter((l) => l.move_id === credit.id);
        expect(lines).toMatchObject([{ name: `Refund (Salla order #${o.referenceId})`, tax_ids: [tax] }]);
      }

      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rfc${nextId()}`, '150.00'));
      const refused = (await waitRefundLines(o, 3))[2];
      expect(refused).toMatchObject({ outcome: 'failed', errorCode: 'order.refund_exceeds_invoice' });
      expect(String(refused.message)).toContain('100.00 SAR of it is already credited');
      expect(String(refused.message)).toContain('at most 147.25 SAR can be refunded');
      expect(creditNotesOf(invoice.id)).toHaveLength(2);
    });

    it('a cancelled paid order, then its full refund: credited once; another full refund is refused', async () => {
      const o = await paidOrder();
      await harness.send(Topic.SalesOrderCancelled, storeId, {
        source: 'salla',
        orderId: o.orderId,
        referenceId: o.referenceId,
        cancelledAt: '2026-11-30T06:00:00.000Z',
      });
      await harness.waitActivity(
        storeId,
        (l) => l.errorCode === 'order.credit_note_manual' && l.entityId === o.orderId,
        'cancel',
      );
      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${nextId()}`, '247.25', true));
      expect((await waitRefundLines(o, 1))[0]).toMatchObject({ outcome: 'ok' });
      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${nextId()}`, '247.25', true));
      expect((await waitRefundLines(o, 2))[1]).toMatchObject({
        outcome: 'failed',
        errorCode: 'order.refund_exceeds_invoice',
      });
      expect(creditNotesOf(invoiceOf(o)!.id)).toHaveLength(1);
    });

    it('a fully refunded order, then cancelled: cancelled without advising a credit note it already has', async () => {
      const o = await paidOrder();
      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(o, `rf${nextId()}`, '247.25', true));
      expect((await waitRefundLines(o, 1))[0]).toMatchObject({ outcome: 'ok' });
      await harness.send(Topic.SalesOrderCancelled, storeId, {
        source: 'salla',
        orderId: o.orderId,
        referenceId: o.referenceId,
        cancelledAt: '2026-11-30T08:00:00.000Z',
      });
      const cancelled = await harness.waitActivity(
        storeId,
        (l) => l.entityId === o.orderId && String(l.message).includes('cancelled in Odoo'),
        'cancel',
      );
      expect(cancelled).toMatchObject({ outcome: 'ok' });
      expect(cancelled.errorCode).not.toBe('order.credit_note_manual');
      expect(String(cancelled.message)).not.toContain('credit note');
      expect(creditNotesOf(invoiceOf(o)!.id)).toHaveLength(1);
    });

    it('a refund of an order never invoiced in Odoo, or not in Odoo at all: skipped, nothing created', async () => {
      const before = fake.records('account.move').filter((m) => m.move_type === 'out_refund').length;
      const unpaid = await paidOrder({ payment: { methodCode: 'mada', status: 'pending' } });
      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(unpaid, `rf${nextId()}`, '20.00'));
      const [line] = await waitRefundLines(unpaid, 1);
      expect(line).toMatchObject({ outcome: 'skipped', errorCode: 'order.refund_not_invoiced' });
      expect(String(line.message)).toContain('has no posted invoice in Odoo');

      const unknown = order(nextId());
      await harness.send(Topic.SalesOrderRefunded, storeId, refundOf(unknown, `rf${nextId()}`, '20.00'));
      const [missing] = await waitRefundLines(unknown, 1);
      expect(missing).toMatchObject({ outcome: 'skipped' });
      expect(String(missing.message)).toContain('the order is not in Odoo');
      expect(fake.records('account.move').filter((m) => m.move_type === 'out_refund')).toHaveLength(before);
    });

    it("a refund in another currency than the invoice's: failed with the reason, nothing created", async () => {
      const o = await paidOrder();
      await harness.send(Topic.SalesOrderRefunded, storeId, {
        ...refundOf(o, `rf${nextId()}`, '20.00'),
        currency: 'USD',
      });
      const [line] = await waitRefundLines(o, 1);
      expect(line).toMatchObject({ outcome: 'failed', errorCode: 'order.refund_currency_mismatch' });
      expect(String(line.message)).toMatch(/its invoice INV\/.* is in SAR/);
      expect(creditNotesOf(invoiceOf(o)!.id)).toHaveLength(0);
    });
  },
);
