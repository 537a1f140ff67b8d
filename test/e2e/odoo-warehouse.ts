import { countStock, deliveriesOf, type FakeOdoo, validateDelivery } from '@app/fake-odoo';

/**
 * What the merchant's warehouse staff do in Odoo's screens, done on the fake Odoo's data: count a product
 * (Physical Inventory) and validate an order's delivery.
 */
export class OdooWarehouse {
  constructor(private readonly odoo: FakeOdoo) {}

  /** Inventory count: the product with `sku` now has `quantity` on hand in WH/Stock. */
  setOnHand(sku: string, quantity: number): Promise<void> {
    const db = this.odoo.database();
    const product = db.rows('product.product').find((p) => p.default_code === sku);
    if (!product) throw new Error(`no product ${sku} in Odoo`);
    countStock(db, product.id, quantity);
    return Promise.resolve();
  }

  /**
   * Ships the sale order: confirms it first if it is still a quotation (an unpaid order stays one until the
   * merchant confirms it), then validates every open delivery.
   */
  async deliver(saleOrderId: number): Promise<void> {
    const db = this.odoo.database();
    const order = db.get('sale.order', saleOrderId);
    if (!order) throw new Error(`no sale.order ${saleOrderId}`);
    if (order.state === 'draft' || order.state === 'sent')
      await this.rpc('sale.order', 'action_confirm', [[saleOrderId]]);
    const open = deliveriesOf(db, saleOrderId).filter((p) => p.state !== 'done' && p.state !== 'cancel');
    if (open.length === 0) throw new Error(`sale.order ${saleOrderId} has no delivery to validate`);
    for (const picking of open) validateDelivery(db, picking.id);
  }

  /** A JSON-RPC call as the merchant's browser would make it (so the fake applies its own side effects). */
  private async rpc(model: string, method: string, args: unknown[]): Promise<unknown> {
    const [database] = this.odoo.databases;
    const body = {
      jsonrpc: '2.0',
      method: 'call',
      id: 1,
      params: {
        service: 'object',
        method: 'execute_kw',
        args: [database, 2, this.odoo.apiKeys.admin, model, method, args],
      },
    };
    const res = await fetch(`${this.odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (json.error) throw new Error(`Odoo ${model}.${method}: ${json.error.message}`);
    return json.result;
  }
}
