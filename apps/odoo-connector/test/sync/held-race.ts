import type { FakeOdoo } from '@app/fake-odoo';

import { OdooClients } from '../../src/connections/odoo-clients';
import type { StoreOdoo } from '../../src/bindings/odoo-bindings';
import type { OdooSyncHarness } from './odoo-sync-harness';

/** What the rival's first attempt came to: its value, or the error it was refused with (busy). */
export type RivalOutcome<R> = { value: R } | { err: unknown };

/**
 * Runs a backfill batch against a rival writer of the same record in the worst order two workers can reach:
 * the fake holds the batch's `create` of `model`, the rival starts, and if the rival gets as far as writing a
 * binding (it created its own record) that write is held too while the batch creates and binds. Without
 * claims first that makes two Odoo records for one Salla record; with them, the rival is refused as busy
 * (the consumer would retry it) or adopts the batch's record.
 */
export async function raceBatchAgainstRival<B, R>(
  fake: FakeOdoo,
  model: string,
  batch: () => Promise<B>,
  rival: () => Promise<R>,
): Promise<{ batch: B; rival: RivalOutcome<R> }> {
  const batchCreate = fake.holdNext(model, 'create');
  try {
    const batchDone = batch();
    await batchCreate.reached;
    // Armed only now: the batch's own earlier binding writes (a customer's partner) must not be held.
    const rivalBindingWrite = fake.holdNext('ir.model.data', 'write');
    const rivalDone = rival().then(
      (value): RivalOutcome<R> => ({ value }),
      (err: unknown): RivalOutcome<R> => ({ err }),
    );
    const raced = await Promise.race([
      rivalBindingWrite.reached.then(() => 'held'),
      rivalDone.then(() => 'settled'),
    ]);
    // Refused already: nothing of the rival's to hold, and the batch's own later writes must not be.
    if (raced === 'settled') rivalBindingWrite.release();
    batchCreate.release();
    const batchResult = await batchDone;
    rivalBindingWrite.release();
    return { batch: batchResult, rival: await rivalDone };
  } finally {
    fake.clearFaults();
  }
}

/** The store's Odoo as the connector's sync code gets it. */
export async function storeOdoo(harness: OdooSyncHarness, storeId: string): Promise<StoreOdoo> {
  const store = await harness.svc.app.get(OdooClients).forStore(storeId);
  if (!store.client) throw new Error(`store ${storeId} is not connected: ${store.reason}`);
  return { storeId, client: store.client };
}
