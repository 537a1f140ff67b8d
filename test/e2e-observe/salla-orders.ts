import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A real `order.created` webhook's `data` (from Salla's documentation), shared with the connector's tests. */
const FIXTURE = join(
  __dirname,
  '..',
  '..',
  'apps/salla-connector/test/translation/fixtures/order.created.json',
);

export interface SallaOrderWebhook {
  /** `data` of an `order.created` webhook. */
  data: Record<string, unknown>;
  /** What the Odoo side calls it: `client_order_ref` of the sale.order (Salla's reference id). */
  reference: string;
}

/** The `n`-th distinct order of a run: Salla's documented order with its own id and reference id. */
export function sallaOrder(base: number, n: number): SallaOrderWebhook {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { data: Record<string, unknown> };
  const id = base + n;
  const reference = base + 500_000 + n;
  return { data: { ...fixture.data, id, reference_id: reference }, reference: String(reference) };
}
