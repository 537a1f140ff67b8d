import { Injectable } from '@nestjs/common';

import type { PaymentMethodUpserted, ShippingMethodUpserted } from '@app/contracts';

import { OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooMissingRecordError, OdooValidationError } from '../odoo-client';
import { OdooLookups } from './odoo-lookups';
import { PaymentJournals } from './payment-journals';
import { Products } from './products';
import type { ApplyResult } from './sync-runner';

/**
 * Shipping methods → `delivery.carrier` (an Odoo without the Delivery app is reported, not crashed on);
 * payment methods are mapped to an existing Odoo journal of the same name or code (PaymentJournals), never to a
 * created one.
 */
@Injectable()
export class CarriersAndPayments {
  constructor(
    private readonly bindings: OdooBindings,
    private readonly products: Products,
    private readonly journals: PaymentJournals,
    private readonly lookups: OdooLookups,
  ) {}

  async applyShipping(odoo: StoreOdoo, method: ShippingMethodUpserted): Promise<ApplyResult> {
    try {
      const vals = { name: method.name, active: method.isActive };
      const bound = await this.bindings.ensure(
        odoo,
        { kind: 'carrier', sallaId: method.methodId, model: 'delivery.carrier' },
        {
          adopt: async () =>
            (
              await odoo.client.searchRead<{ id: number }>(
                'delivery.carrier',
                [['name', '=', method.name]],
                ['id'],
                {
                  limit: 1,
                },
              )
            )[0]?.id ?? null,
          create: async () =>
            (
              await odoo.client.create('delivery.carrier', [
                {
                  ...vals,
                  delivery_type: 'fixed',
                  product_id: await this.products.serviceProduct(odoo, 'shipping', 'Shipping'),
                },
              ])
            )[0],
        },
      );
      if (!bound.created) await odoo.client.write('delivery.carrier', [bound.id], vals);
      return {
        outcome: 'ok',
        message: `Shipping method "${method.name}" ${bound.created ? 'created' : 'updated'} in Odoo`,
      };
    } catch (err) {
      if (await this.deliveryAppMissing(odoo, err)) {
        return {
          outcome: 'failed',
          errorCode: 'odoo.delivery_missing',
          message: `Shipping method "${method.name}" was not synced: shipping methods need the Delivery app (delivery.carrier) in Odoo. Install it, then re-sync.`,
        };
      }
      throw err;
    }
  }

  /**
   * Whether the failure is Odoo not having `delivery.carrier` at all. 19 answers HTTP 404 for such a model, 16–18
   * a UserError "Object delivery.carrier doesn't exist" in the Odoo user's language — so Odoo's list of installed
   * models decides, not the message. A carrier id from the local cache may be one the merchant deleted: the sync
   * runner then reads the binding from Odoo again and re-runs, and only that run (no cache used) is asked.
   */
  private async deliveryAppMissing(odoo: StoreOdoo, err: unknown): Promise<boolean> {
    const refused = err instanceof OdooMissingRecordError || err instanceof OdooValidationError;
    if (!refused || this.bindings.usedCache()) return false;
    // Unable to tell: the original error is reported as it is.
    return !(await this.lookups.installed(odoo.client, 'delivery.carrier', true).catch(() => true));
  }

  async applyPayment(odoo: StoreOdoo, method: PaymentMethodUpserted): Promise<ApplyResult> {
    const journal = await this.journals.matchByName(odoo, method);
    const label = `Payment method "${method.name}" (${method.code})${method.isActive ? '' : ', disabled,'}`;
    if (journal) {
      return {
        outcome: 'ok',
        message: `${label} is mapped to the Odoo journal ${journal}: paid orders get their payment registered there`,
      };
    }
    return {
      outcome: 'ok',
      errorCode: 'payment.journal_unmapped',
      message: `${label} has no Odoo journal: paid orders are confirmed but their payment is not registered. Create a bank or cash journal named "${method.name}" in Odoo (the connector never creates journals), then re-sync`,
    };
  }
}
