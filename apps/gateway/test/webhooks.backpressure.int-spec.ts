import { randomBytes } from 'node:crypto';

import type { RunningService } from '@app/bootstrap';
import { integrationEnv, uniqueName } from '@app/testing';

import {
  bootGateway,
  IntakeTopicReader,
  loadFixtures,
  post,
  settle,
  signedHeaders,
  uniqueMerchant,
  waitUntilReady,
  withMerchant,
} from './support/webhook-harness';

const SECRET = 'backpressure-test-webhook-secret';
const DELIVERIES = 40;

/**
 * A burst larger than WEBHOOK_MAX_IN_FLIGHT: the overflow is answered 503 + Retry-After at once (not queued in
 * memory), and Salla's retries of those deliveries are accepted — every delivery ends up published once.
 */
describe('webhook intake under a burst beyond its in-flight limit (real Kafka + Mongo)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('wh-burst');
  const order = loadFixtures().find((f) => f.name === 'order.created.json')!;
  let gateway: RunningService;
  let reader: IntakeTopicReader;

  beforeAll(async () => {
    gateway = await bootGateway({
      run,
      kafkaBrokers,
      mongoUri,
      secret: SECRET,
      masterKey: randomBytes(32).toString('base64'),
      extraEnv: { LOG_LEVEL: 'error', WEBHOOK_MAX_IN_FLIGHT: '2' },
    });
    await waitUntilReady(gateway);
    reader = new IntakeTopicReader(kafkaBrokers, `${run}-reader`);
    await reader.start();
  });

  afterAll(async () => {
    await reader?.stop();
    await gateway?.stop();
  });

  it('sheds the overflow with 503 + Retry-After, and every delivery retried like Salla is published once', async () => {
    const deliveries = Array.from({ length: DELIVERIES }, () => {
      const merchant = reader.watch(uniqueMerchant());
      return { merchant, body: withMerchant(order.bytes, merchant) };
    });

    const first = await Promise.all(
      deliveries.map((d) => post(gateway.url, d.body, signedHeaders(d.body, SECRET))),
    );
    const shed = first.filter((a) => a.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed.every((a) => a.headers.get('retry-after') === '1')).toBe(true);
    expect(first.every((a) => a.status === 200 || a.status === 503)).toBe(true);

    // Salla retries a non-2xx delivery later: one at a time here, so the limit is never hit again.
    for (const [i, answer] of first.entries()) {
      if (answer.status === 200) continue;
      const { body } = deliveries[i];
      expect((await post(gateway.url, body, signedHeaders(body, SECRET))).status).toBe(200);
    }

    for (const { merchant } of deliveries) await reader.waitFor(merchant);
    await settle();
    expect(deliveries.filter((d) => reader.of(d.merchant).length !== 1)).toEqual([]);
  });
});
