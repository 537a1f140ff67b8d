import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Topic } from '@app/contracts';
import { waitFor } from '@app/testing';

import { type SallaOrderWebhook, sallaOrder } from './salla-orders';
import { ServiceStack } from './service-stack';
import type { Delivery } from './signed-webhooks';

/**
 * Issue 8: rolling restarts lose nothing. A stream of order webhooks flows through two gateways while every
 * service in turn gets SIGTERM and starts again (as a Deployment's rolling update does); afterwards each Salla
 * order exists exactly once in Odoo. The poster retries refused connections and 5xx like Salla does, on the
 * other gateway of the pool.
 */
jest.setTimeout(900_000);

const ORDERS = 100;
/** The stream is cut into one slice per restart, each posted while that restart is under way. */
const RESTARTS = ['gateway-1', 'gateway-2', 'salla-connector', 'odoo-connector'] as const;
const PACE_MS = 150;

describe('rolling restart of every service during a stream of orders', () => {
  let stack: ServiceStack;

  beforeAll(async () => {
    stack = await ServiceStack.start({ gateways: 2 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('every order arrives in Odoo exactly once, and every service stopped cleanly on SIGTERM', async () => {
    const storeId = await stack.installConnectedStore();
    await stack.waitForSyncReady(storeId);

    const base = randomInt(200_000_000, 299_999_999);
    const orders = Array.from({ length: ORDERS }, (_, i) => sallaOrder(base, i + 1));
    const perSlice = Math.ceil(ORDERS / RESTARTS.length);
    const deliveries: Delivery[] = [];
    const exitCodes: Record<string, number | null> = {};

    for (const [i, name] of RESTARTS.entries()) {
      const slice = orders.slice(i * perSlice, (i + 1) * perSlice);
      let restart: Promise<void> | undefined;
      for (const [n, order] of slice.entries()) {
        // SIGTERM a third into the slice: orders are in flight in the service when it is told to stop, the
        // rest arrive while it drains and is down, and the next slice's first third after it came back.
        if (n === Math.floor(slice.length / 3)) {
          restart = stack.restart(name).then(({ exitCode }) => void (exitCodes[name] = exitCode));
        }
        deliveries.push(await stack.poster.post(storeId, 'order.created', order.data));
        await sleep(PACE_MS);
      }
      await restart;
    }

    const refs = new Set(orders.map((o: SallaOrderWebhook) => o.reference));
    await waitFor(
      () => new Set(stack.saleOrdersFor(refs).map((o) => String(o.client_order_ref))).size === refs.size,
      {
        timeoutMs: 240_000,
        intervalMs: 500,
        description: `${refs.size} sale orders in Odoo`,
      },
    ).catch((err: unknown) => {
      const missing = [...refs].filter((r) => !stack.saleOrdersFor(new Set([r])).length);
      throw new Error(
        `${String(err)}; missing ${missing.length}: ${missing.join(',')}\n${stack.diagnostics()}`,
      );
    });
    // Redeliveries after a restart arrive before the consumers catch up: wait until nothing is left to
    // consume, so a late duplicate would be counted below.
    await waitFor(
      async () =>
        (await stack.backlogOf('salla-connector', Topic.SallaWebhookReceived)) === 0 &&
        (await stack.backlogOf('odoo-connector', Topic.SalesOrderUpserted)) === 0,
      { timeoutMs: 60_000, intervalMs: 500, description: 'both connectors caught up' },
    );

    const perReference = new Map<string, number>();
    for (const o of stack.saleOrdersFor(refs)) {
      const ref = String(o.client_order_ref);
      perReference.set(ref, (perReference.get(ref) ?? 0) + 1);
    }
    const duplicated = [...perReference].filter(([, n]) => n > 1);
    expect(duplicated).toEqual([]);
    expect(perReference.size).toBe(ORDERS);
    // Every webhook was accepted by a gateway, and the stream really met a gateway that was going away:
    // some deliveries were refused by the restarting one and taken by the other on retry.
    expect(deliveries).toHaveLength(ORDERS);
    expect(deliveries.some((d) => d.attempts > 1)).toBe(true);
    // SIGTERM drained and exited 0 everywhere: no restart needed the SHUTDOWN_TIMEOUT_MS escape hatch.
    expect(exitCodes).toEqual({
      'gateway-1': 0,
      'gateway-2': 0,
      'salla-connector': 0,
      'odoo-connector': 0,
    });
  });
});
