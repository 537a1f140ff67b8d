import { randomBytes } from 'node:crypto';

import type { RunningService } from '@app/bootstrap';
import { isHandledSallaEvent, SallaWebhookReceived, Topic, validateEvent } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { integrationEnv, uniqueName } from '@app/testing';

import {
  bootGateway,
  CapturedOutput,
  claimsModel,
  type Fixture,
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

const SECRET = 'intake-test-webhook-secret';

/** String leaves of a JSON value that are distinctive enough to search logs for. */
function distinctiveStrings(value: unknown, minLength = 6, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= minLength) out.push(value);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) distinctiveStrings(v, minLength, out);
  return out;
}

describe('POST /webhooks/salla (real Kafka + Mongo)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const run = uniqueName('wh-intake');
  const output = new CapturedOutput();
  let gateway: RunningService;
  let reader: IntakeTopicReader;

  beforeAll(async () => {
    output.start();
    gateway = await bootGateway({
      run,
      kafkaBrokers,
      mongoUri,
      secret: SECRET,
      masterKey: randomBytes(32).toString('base64'),
    });
    await waitUntilReady(gateway);
    reader = new IntakeTopicReader(kafkaBrokers, `${run}-reader`);
    await reader.start();
  });

  afterAll(async () => {
    await reader?.stop();
    await gateway?.stop();
    output.stop();
  });

  it('every Salla sample, correctly signed, is answered 200; handled events reach Kafka once, sealed; others leave no trace', async () => {
    const fixtures = loadFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
    const logsBefore = output.text.length; // start-up lines (addresses etc.) are not evidence of a leak
    const sent: Array<{ fixture: Fixture; merchant: string; body: Buffer }> = [];
    for (const fixture of fixtures) {
      const merchant = reader.watch(uniqueMerchant());
      const body = withMerchant(fixture.bytes, merchant);
      const answer = await post(gateway.url, body, signedHeaders(body, SECRET));
      const handled = isHandledSallaEvent(fixture.body.event);
      expect({ fixture: fixture.name, status: answer.status, json: answer.json }).toEqual({
        fixture: fixture.name,
        status: 200,
        json: handled ? { accepted: true } : { ignored: true },
      });
      sent.push({ fixture, merchant, body });
    }

    const handled = sent.filter((s) => isHandledSallaEvent(s.fixture.body.event));
    const ignored = sent.filter((s) => !isHandledSallaEvent(s.fixture.body.event));
    expect(handled.length).toBeGreaterThan(20);
    expect(ignored.map((s) => s.fixture.body.event)).toEqual(
      expect.arrayContaining(['customer.otp.request', 'customer.login', 'review.added']),
    );

    for (const { merchant } of handled) await reader.waitFor(merchant);
    await settle();

    for (const { fixture, merchant } of handled) {
      const messages = reader.of(merchant);
      expect({ fixture: fixture.name, count: messages.length }).toEqual({ fixture: fixture.name, count: 1 });
      const [message] = messages;
      expect(message.key).toBe(merchant);
      expect(message.headers).toMatchObject({
        'x-salla-event': fixture.body.event,
        'x-store-id': merchant,
        'x-body-sha256': message.value.payload.bodySha256,
        'x-received-at': message.value.payload.receivedAt,
      });
      expect(message.value).toMatchObject({
        type: Topic.SallaWebhookReceived,
        storeId: merchant,
        payload: { event: fixture.body.event, merchant, createdAt: fixture.body.created_at },
      });
      // The contract holds, and data is sealed: nothing of it is readable in the message.
      const valid = await validateEvent(message.value, SallaWebhookReceived, Topic.SallaWebhookReceived);
      expect(valid.ok ? [] : valid.problems).toEqual([]);
      // (the event name and created_at may repeat words or dates that also appear inside data)
      const { event: _e, createdAt: _c, createdAtUtc: _u, ...rest } = message.value.payload;
      const { 'x-salla-event': _h, ...headers } = message.headers;
      const raw = JSON.stringify({ headers, payload: rest });
      for (const s of distinctiveStrings(fixture.body.data, 10)) expect(raw).not.toContain(s);
      expect(await openData(gateway, message)).toEqual(fixture.body.data);
    }

    const claims = claimsModel(gateway);
    for (const { merchant } of handled) {
      expect(await claims.countDocuments({ storeId: merchant, status: 'published' })).toBe(1);
    }
    const crypto = gateway.app.get(CryptoService);
    const logs = output.text.slice(logsBefore);
    expect(logs).toContain('webhook accepted'); // the capture works
    for (const { fixture, merchant } of ignored) {
      expect(reader.of(merchant)).toEqual([]);
      expect(await claims.countDocuments({ storeId: merchant })).toBe(0);
      expect(await crypto.keyStatus(merchant)).toBe('none'); // nothing was sealed (stored) for it either
      expect(logs).not.toContain(merchant);
      // (event names are logged; a status such as "purchased" may also be a word of one)
      const logsWithoutEventNames = logs.replace(/"event":"[^"]*"/g, '"event":""');
      for (const s of distinctiveStrings(fixture.body.data)) expect(logsWithoutEventNames).not.toContain(s);
      expect(logs).toContain(`"event":"${fixture.body.event}"`);
    }
  });

  it('the Token strategy accepts the secret (bare or Bearer) and refuses anything else', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'order.created.json')!;
    const bare = reader.watch(uniqueMerchant());
    const bearer = reader.watch(uniqueMerchant());
    const wrong = reader.watch(uniqueMerchant());
    const token = (auth: string): Record<string, string> => ({
      'content-type': 'application/json',
      'x-salla-security-strategy': 'Token',
      authorization: auth,
    });

    expect((await post(gateway.url, withMerchant(fixture.bytes, bare), token(SECRET))).json).toEqual({
      accepted: true,
    });
    expect(
      (await post(gateway.url, withMerchant(fixture.bytes, bearer), token(`Bearer ${SECRET}`))).json,
    ).toEqual({ accepted: true });
    const refused = await post(gateway.url, withMerchant(fixture.bytes, wrong), token(`${SECRET}-not`));
    expect([refused.status, refused.json]).toEqual([401, { error: 'invalid signature' }]);

    await reader.waitFor(bare);
    await reader.waitFor(bearer);
    await settle();
    expect(reader.of(bare)).toHaveLength(1);
    expect(reader.of(bearer)).toHaveLength(1);
    expect(reader.of(wrong)).toHaveLength(0);
  });

  it('a forged, mis-signed, unsigned or altered webhook is refused with 401 and never enqueued', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'order.created.json')!;
    const cases: Array<[string, (merchant: string) => [Buffer | string, Record<string, string>]]> = [
      [
        'forged signature',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          return [body, signedHeaders(body, 'not-the-secret')];
        },
      ],
      [
        'signature under the Token strategy',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          return [body, { ...signedHeaders(body, SECRET), 'x-salla-security-strategy': 'Token' }];
        },
      ],
      [
        'unknown strategy',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          return [body, { ...signedHeaders(body, SECRET), 'x-salla-security-strategy': 'HMAC' }];
        },
      ],
      [
        'no strategy header',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          const { 'x-salla-security-strategy': _s, ...headers } = signedHeaders(body, SECRET);
          return [body, headers];
        },
      ],
      [
        'no signature header',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          const { 'x-salla-signature': _s, ...headers } = signedHeaders(body, SECRET);
          return [body, headers];
        },
      ],
      ['no headers at all', (m) => [withMerchant(fixture.bytes, m), { 'content-type': 'application/json' }]],
      [
        'one byte changed after signing',
        (m) => {
          const body = withMerchant(fixture.bytes, m);
          const headers = signedHeaders(body, SECRET);
          const altered = Buffer.from(
            body.toString('utf8').replace('"under_review"', '"under_reviex"'),
            'utf8',
          );
          expect(altered.equals(body)).toBe(false);
          expect(altered.length).toBe(body.length);
          return [altered, headers];
        },
      ],
    ];
    const merchants: string[] = [];
    for (const [name, make] of cases) {
      const merchant = reader.watch(uniqueMerchant());
      merchants.push(merchant);
      const [body, headers] = make(merchant);
      const answer = await post(gateway.url, body, headers);
      expect({ name, status: answer.status, json: answer.json }).toEqual({
        name,
        status: 401,
        json: { error: 'invalid signature' },
      });
    }
    await settle();
    const claims = claimsModel(gateway);
    for (const merchant of merchants) {
      expect(reader.of(merchant)).toHaveLength(0);
      expect(await claims.countDocuments({ storeId: merchant })).toBe(0);
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_webhooks_rejected_total\{[^}]*reason="bad-signature"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_webhooks_rejected_total\{[^}]*reason="missing-strategy"[^}]*\} [1-9]/);
  });

  it('answers 413 above the body limit, 400 for broken JSON and 400 naming the field of a bad envelope', async () => {
    const big = Buffer.from(
      JSON.stringify({
        event: 'order.created',
        merchant: 1,
        created_at: '2022-12-31 12:31:25',
        data: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
    );
    const tooLarge = await post(gateway.url, big, signedHeaders(big, SECRET));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toEqual({ statusCode: 413, message: 'Request body is too large' });

    const broken = Buffer.from('{"event": "order.created", "merchant": 1,');
    const notJson = await post(gateway.url, broken, signedHeaders(broken, SECRET));
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({
      statusCode: 400,
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });

    const envelope = {
      event: 'order.created',
      merchant: 1305146709,
      created_at: '2022-12-31 12:31:25',
      data: { id: 1 },
    };
    const bad = async (changes: Record<string, unknown>): Promise<[number, unknown]> => {
      const body = Buffer.from(JSON.stringify({ ...envelope, ...changes }));
      const answer = await post(gateway.url, body, signedHeaders(body, SECRET));
      return [answer.status, answer.json];
    };
    expect(await bad({ merchant: undefined })).toEqual([
      400,
      { error: 'merchant is required', field: 'merchant' },
    ]);
    expect(await bad({ merchant: 'store-1' })).toEqual([400, expect.objectContaining({ field: 'merchant' })]);
    expect(await bad({ created_at: 'last tuesday' })).toEqual([
      400,
      expect.objectContaining({ field: 'created_at' }),
    ]);
    expect(await bad({ data: [1] })).toEqual([400, expect.objectContaining({ field: 'data' })]);
    expect(await bad({ event: undefined })).toEqual([400, expect.objectContaining({ field: 'event' })]);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    for (const name of ['accepted', 'ignored', 'rejected'])
      expect(metrics).toContain(`gateway_webhooks_${name}_total`);
    expect(metrics).toContain('gateway_webhooks_intake_duration');
  });
});
