import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import type { PaymentMethodUpserted } from '@app/contracts';

import type { StoreOdoo } from '../bindings/odoo-bindings';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import { OdooLookups } from './odoo-lookups';
import { PaymentJournalMappingsRepository } from './payment-journal-mappings.repository';

export type JournalChoice = { id: number; code: string } | { missing: string };

/**
 * Salla payment method → Odoo journal, per store: the store's own mapping (set for the store, or found by name
 * when the payment method arrived), else the operator's default (ODOO_PAYMENT_JOURNALS), else none. Journals
 * are mapped, never created: a payment booked in a journal the merchant did not choose is an accounting error
 * that is worse than a payment left for them to register.
 */
@Injectable()
export class PaymentJournals {
  private readonly defaults: Map<string, string>;

  constructor(
    private readonly mappings: PaymentJournalMappingsRepository,
    private readonly lookups: OdooLookups,
    @Inject(APP_CONFIG) config: OdooConnectorEnv,
  ) {
    this.defaults = config.paymentJournalDefaults();
  }

  /** The journal a payment made with `methodCode` goes to, or in plain words which mapping is missing. */
  async journalFor(odoo: StoreOdoo, methodCode: string): Promise<JournalChoice> {
    const mapping = await this.mappings.get(odoo.storeId, methodCode);
    const code = mapping ? mapping.journalCode : (this.defaults.get(methodCode.toLowerCase()) ?? null);
    if (!code) {
      return {
        missing: mapping
          ? `the Salla payment method "${methodCode}" is set not to register payments in Odoo`
          : `no Odoo journal is mapped to the Salla payment method "${methodCode}" (create a bank or cash journal named like the payment method in Odoo, or ask support to map one)`,
      };
    }
    const id = await this.lookups.journalId(odoo.client, code);
    if (!id) {
      return {
        missing: `the Odoo journal "${code}" mapped to the Salla payment method "${methodCode}" is not an active bank or cash journal in Odoo`,
      };
    }
    return { id, code };
  }

  /**
   * When a payment method arrives: an active bank or cash journal whose code or name is the method's code or
   * name becomes the store's mapping, unless the store has one already. Returns the journal code, or null.
   */
  async matchByName(odoo: StoreOdoo, method: PaymentMethodUpserted): Promise<string | null> {
    const existing = await this.mappings.get(odoo.storeId, method.code);
    if (existing) return existing.journalCode;
    const journals = await odoo.client.searchRead<{ id: number; code: string | false; name: string }>(
      'account.journal',
      [
        ['type', 'in', ['bank', 'cash']],
        ['active', '=', true],
      ],
      ['code', 'name'],
      { order: 'id asc' },
    );
    const wanted = new Set([method.code.trim().toLowerCase(), method.name.trim().toLowerCase()]);
    const hit = journals.find(
      (j) => wanted.has(j.name.trim().toLowerCase()) || (j.code && wanted.has(j.code.trim().toLowerCase())),
    );
    if (!hit || !hit.code) return null;
    await this.mappings.setIfAbsent(odoo.storeId, method.code, hit.code);
    return (await this.mappings.get(odoo.storeId, method.code))?.journalCode ?? null;
  }
}
