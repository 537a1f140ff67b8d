import { createHash, randomBytes } from 'node:crypto';

import type { RunningService } from '@app/bootstrap';
import { freePort, integrationEnv, uniqueName } from '@app/testing';

import { sweepExpiredClaims } from '../src/webhooks/delivery-claims.sweeper';
import { deliveryClaimId } from '../src/webhooks/delivery-claim.schema';

import {
  bootGateway,
  claimsModel,
  IntakeTopicReader,
  loadFixtures,
  openData,
  post,
  settle,
  signedHeaders,
  uniqueMerchant,
  waitUntilReady,
  withMerchant,
} from './support/webhook-harness';

const SECRET = 'dedupe-test-webhook-secret';
const DAY = 24 * 60 * 60 * 1000;

describe('webhook dedupe and durability (real Kafka + Mongo)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('wh-dedupe');
  const masterKey = randomBytes(32).toString('base64');
  const order = loadFixtures().find((f) => f.name === 'order.created.json')!;
  let gateway: RunningService;
  let reader: IntakeTopicReader;

  const delivery = (): { merchant: string; body: Buffer; sha: string } => {
    const merchant = reader.watch(uniqueMerchant());
    const body = withMerchant(order.bytes, merchant);
    return { merchant, body, sha: createHash('sha256').update(body).digest('hex') };
  };

  beforeAll(async () => {
    gateway = await bootGateway({
      run,
      kafkaBrokers,
      mongoUri,
      secret: SECRET,
      masterKey,
      extraEnv: { LOG_LEVEL: 'error' },
    });
    await waitUntilReady(gateway);
    reader = new IntakeTopicReader(kafkaBrokers, `${run}-reader`);
    await reader.start();
  });

  afterAll(async () => {
    await reader?.stop();
    await gateway?.stop();
  });

  it('the same delivery three times publishes one message; the copies are answered as duplicates', async () => {
    const { merchant, body, sha } = delivery();
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push((await post(gateway.url, body, signedHeaders(body, SECRET))).json);
    expect(answers).toEqual([{ accepted: true }, { duplicate: true }, { duplicate: true }]);

    await reader.waitFor(merchant);
    await settle();
    expect(reader.of(merchant)).toHaveLength(1);
    expect(await claimsModel(gateway).findOne({ storeId: merchant, bodySha256: sha }).lean()).toMatchObject({
      status: 'published',
      event: 'order.created',
    });
  });

  it('Kafka unreachable: 503 with Retry-After and the claim released; the retry on a healthy instance publishes once', async () => {
    // A second instance on the same database whose broker address is a closed port: Kafka "down" for it only.
    const down = await bootGateway({
      run,
      kafkaBrokers: [`127.0.0.1:${await freePort()}`],
      mongoUri,
      secret: SECRET,
      masterKey,
      extraEnv: { LOG_LEVEL: 'fatal', KAFKA_PUBLISH_TIMEOUT_MS: '2000', KAFKA_GROUP_ID: `${run}-down` },
    });
    const { merchant, body, sha } = delivery();
    try {
      const started = Date.now();
      const refused = await post(down.url, body, signedHeaders(body, SECRET));
      expect([refused.status, refused.json]).toEqual([503, { error: 'temporarily unavailable' }]);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(10_000); // well inside Salla's 30 s
      expect(await claimsModel(gateway).countDocuments({ storeId: merchant, bodySha256: sha })).toBe(0);
    } finally {
      await down.stop();
    }

    // Salla's retry (same bytes) reaches a healthy instance: processed, not mistaken for a duplicate.
    const retried = await post(gateway.url, body, signedHeaders(body, SECRET));
    expect([retried.status, retried.json]).toEqual([200, { accepted: true }]);
    const [message] = await reader.waitFor(merchant);
    await settle();
    expect(reader.of(merchant)).toHaveLength(1);
    expect(await openData(gateway, message)).toEqual(order.body.data);
  });

  it('a claim left pending by a crashed attempt is taken over after the window and published once', async () => {
    const { merchant, body, sha } = delivery();
    const claims = claimsModel(gateway);
    const stalledAt = new Date(Date.now() - 5 * 60 * 1000);
    await claims.create({
      _id: deliveryClaimId(merchant, sha),
      storeId: merchant,
      bodySha256: sha,
      event: 'order.created',
      status: 'pending',
      claimedAt: stalledAt,
    });

    const answer = await post(gateway.url, body, signedHeaders(body, SECRET));
    expect([answer.status, answer.json]).toEqual([200, { accepted: true }]);
    await reader.waitFor(merchant);
    expect((await post(gateway.url, body, signedHeaders(body, SECRET))).json).toEqual({ duplicate: true });
    await settle();
    expect(reader.of(merchant)).toHaveLength(1);
    const claim = await claims.findOne({ storeId: merchant, bodySha256: sha }).lean();
    expect(claim).toMatchObject({ status: 'published' });
    expect(claim!.claimedAt.getTime()).toBeGreaterThan(stalledAt.getTime());
  });

  it('a copy arriving while the first attempt is still in flight gets 503 + Retry-After, and nothing is published', async () => {
    const { merchant, body, sha } = delivery();
    await claimsModel(gateway).create({
      _id: deliveryClaimId(merchant, sha),
      storeId: merchant,
      bodySha256: sha,
      event: 'order.created',
      status: 'pending',
      claimedAt: new Date(Date.now() - 5_000),
    });
    const answer = await post(gateway.url, body, signedHeaders(body, SECRET));
    expect([answer.status, answer.json]).toEqual([503, { error: 'temporarily unavailable' }]);
    expect(answer.headers.get('retry-after')).toBe('60');
    await settle();
    expect(reader.of(merchant)).toHaveLength(0);
  });

  it('the retention sweep deletes claims older than WEBHOOK_DEDUPE_RETENTION_DAYS, across stores, and keeps the rest', async () => {
    const claims = claimsModel(gateway);
    const now = new Date();
    const [a, b] = [uniqueMerchant(), uniqueMerchant()];
    const claim = (
      storeId: string,
      ageDays: number,
      status: 'pending' | 'published',
    ): Record<string, unknown> => ({
      _id: deliveryClaimId(
        storeId,
        createHash('sha256').update(`${storeId}:${ageDays}:${status}`).digest('hex'),
      ),
      storeId,
      bodySha256: createHash('sha256').update(`${storeId}:${ageDays}:${status}`).digest('hex'),
      event: 'order.created',
      status,
      claimedAt: new Date(now.getTime() - ageDays * DAY),
    });
    await claims.insertMany([
      claim(a, 8, 'published'),
      claim(a, 30, 'pending'),
      claim(b, 7.5, 'published'),
      claim(a, 6.9, 'published'),
      claim(b, 0, 'pending'),
    ]);

    const result = await sweepExpiredClaims(claims, 7, now);
    expect(result.deleted).toBeGreaterThanOrEqual(3);
    const left = await claims.find({ storeId: { $in: [a, b] } }).lean();
    expect(
      left
        .map((c) => [c.storeId, Math.round(((now.getTime() - c.claimedAt.getTime()) / DAY) * 10) / 10])
        .sort(),
    ).toEqual(
      [
        [a, 6.9],
        [b, 0],
      ].sort(),
    );
  });
});
