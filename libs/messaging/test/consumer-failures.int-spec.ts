import { deadLetterTopicOf } from '@app/contracts';
import {
  EventPublisher,
  ensureTopics,
  MessagingHeaders,
  newEnvelope,
  PermanentError,
  ReliableConsumer,
  type MessageMeta,
} from '@app/messaging';
import { uniqueName, waitFor } from '@app/testing';

import {
  endOffsets,
  quietLogger,
  readTopic,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
  TestPayload,
  waitUntilFullyCommitted,
  testConsumers,
} from './support/kafka-test-kit';

describe('ReliableConsumer: retries and dead letters (real Kafka)', () => {
  const kafka = testKafka('failures');
  const publisher = new EventPublisher(kafka);
  const SERVICE = 'failures-test-service';

  const consumers = testConsumers({ kafka, publisher, service: SERVICE });
  const consumer = (groupId: string, maxAttempts: number): ReliableConsumer =>
    consumers.create(groupId, { maxAttempts });

  afterAll(async () => {
    await consumers.stopAll();
    await publisher.close();
  });

  it('a handler that fails transiently twice is retried and then succeeds, once, with nothing dead-lettered', async () => {
    const topic = uniqueName('retry');
    const groupId = uniqueName('retry-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's1', { name: 'flaky', seq: 0 }), { key: 's1' });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's1', { name: 'fine', seq: 1 }), { key: 's1' });

    const attempts: Array<{ name: string; attempt: number; at: number }> = [];
    const succeeded: string[] = [];
    consumer(groupId, 5)
      .handle(
        topic,
        TestPayload,
        (event, meta: MessageMeta) => {
          attempts.push({ name: event.payload.name, attempt: meta.attempt, at: Date.now() });
          if (event.payload.name === 'flaky' && meta.attempt <= 2)
            throw new Error('ECONNRESET talking to Odoo');
          succeeded.push(event.payload.name);
        },
        { expectedType: TEST_TYPE },
      )
      .start();

    await waitFor(() => succeeded.length === 2, { description: 'both handled' });
    await waitUntilFullyCommitted(kafka, groupId, topic);

    expect(succeeded).toEqual(['flaky', 'fine']); // order kept: 'fine' waited for 'flaky'
    expect(attempts.map((a) => `${a.name}#${a.attempt}`)).toEqual([
      'flaky#1',
      'flaky#2',
      'flaky#3',
      'fine#1',
    ]);
    // Backed off between attempts (base 20 ms, equal jitter: at least 10 ms then 20 ms).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(9);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(19);
    expect((await endOffsets(kafka, deadLetterTopicOf(topic))).get(0)).toBe(0n);
  });

  it('a handler slower than the session timeout keeps its group membership (heartbeats): handled once, no rebalance', async () => {
    const topic = uniqueName('slow');
    const groupId = uniqueName('slow-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'slow', seq: 0 }), { key: 's' });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'next', seq: 1 }), { key: 's' });

    const calls: string[] = [];
    let joins = 0;
    const c = consumers.create(groupId, {
      onStatusChange: (s) => {
        if (s.status === 'running') joins += 1;
      },
    });
    c.handle(
      topic,
      TestPayload,
      async (event) => {
        calls.push(event.payload.name);
        // Longer than sessionTimeoutMs (6 s): without heartbeats the member is evicted and the message comes back.
        if (event.payload.name === 'slow') await new Promise((r) => setTimeout(r, 7_500));
      },
      { expectedType: TEST_TYPE },
    ).start();

    await waitFor(() => calls.includes('next'), { timeoutMs: 30_000, description: 'next handled' });
    await waitUntilFullyCommitted(kafka, groupId, topic);
    expect(calls).toEqual(['slow', 'next']);
    expect(joins).toBe(1);
  });

  it('a member waiting out a long retry backoff does not stall a rebalance: a new member joins promptly', async () => {
    const topic = uniqueName('backoff');
    const groupId = uniqueName('backoff-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 2), { logger: quietLogger });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'down', seq: 0 }), { key: 's' });

    const attempts: number[] = [];
    const make = () =>
      consumers
        .create(groupId, {
          maxAttempts: 5,
          retryBaseMs: 30_000, // first retry in 15–30 s
          retryMaxMs: 30_000,
        })
        .handle(
          topic,
          TestPayload,
          (_e, meta) => {
            attempts.push(meta.attempt);
            throw new Error('Odoo unreachable');
          },
          { expectedType: TEST_TYPE },
        );
    const a = make();
    const b = make();
    a.start();
    await waitFor(() => attempts.length === 1, { description: 'first attempt failed, backing off' });

    const t0 = Date.now();
    b.start();
    await b.whenRunning(20_000);
    // Without giving up the backoff, the group would wait for A (rebalance timeout 10 s, or the 15–30 s backoff).
    expect(Date.now() - t0).toBeLessThan(5_000);
    // The message was not skipped: its new owner starts it over.
    await waitFor(() => attempts.length === 2, { description: 'redelivered after the rebalance' });
    expect(attempts).toEqual([1, 1]);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('invalid, unparseable, permanently failing and retry-exhausted messages land in the DLT with reason, headers and attempts; later messages keep flowing', async () => {
    const topic = uniqueName('dlt');
    const dlt = deadLetterTopicOf(topic);
    const groupId = uniqueName('dlt-group');
    await ensureTopics(kafka, testTopicSpecs(topic, 3), { logger: quietLogger });
    const key = 'store-42';
    const origin = { 'x-origin': 'failures-spec', 'x-request-id': 'req-1' };

    // All on one key, so all on one partition, in this order.
    const sent: Array<{ label: string; value: string; offset: string; partition: number }> = [];
    const send = async (label: string, value: string): Promise<void> => {
      const [meta] = await publisher.publishRaw(topic, [
        { key, value, headers: { ...origin, 'x-label': label } },
      ]);
      sent.push({ label, value, offset: meta.baseOffset ?? '', partition: meta.partition });
    };
    const valid = (name: string, seq: number) => JSON.stringify(newEnvelope(TEST_TYPE, key, { name, seq }));
    await send('ok-before', valid('ok-before', 0));
    await send('invalid', valid('', 1)); // name must not be empty
    await send('not-json', '{"id": oops');
    await send('wrong-type', JSON.stringify(newEnvelope('test.other.thing.v1', key, { name: 'x', seq: 2 })));
    await send('permanent', valid('permanent', 3));
    await send('exhausted', valid('exhausted', 4));
    await send('ok-after', valid('ok-after', 5));

    const handled: string[] = [];
    const calls: string[] = [];
    consumer(groupId, 3)
      .handle(
        topic,
        TestPayload,
        (event, meta) => {
          calls.push(`${event.payload.name}#${meta.attempt}`);
          if (event.payload.name === 'permanent')
            throw new PermanentError('product belongs to an uninstalled store');
          if (event.payload.name === 'exhausted') throw new Error('Odoo is down');
          handled.push(event.payload.name);
        },
        { expectedType: TEST_TYPE },
      )
      .start();

    await waitFor(() => handled.includes('ok-after'), {
      timeoutMs: 20_000,
      description: 'message after the poison ones',
    });
    expect(handled).toEqual(['ok-before', 'ok-after']);
    expect(calls).toEqual([
      'ok-before#1',
      'permanent#1',
      'exhausted#1',
      'exhausted#2',
      'exhausted#3',
      'ok-after#1',
    ]);

    const letters = await readTopic(kafka, dlt, 5);
    expect(letters).toHaveLength(5);
    const byLabel = new Map(letters.map((m) => [m.headers['x-label']?.toString(), m]));
    const expectations: Record<string, { reason: RegExp; attempt: string }> = {
      invalid: { reason: /^invalid: .*validation failed: payload\.name/, attempt: '1' },
      'not-json': { reason: /^invalid: .*not JSON/, attempt: '1' },
      'wrong-type': { reason: /^invalid: .*type: expected test\.thing\.happened\.v1/, attempt: '1' },
      permanent: {
        reason: /^permanent: PermanentError: product belongs to an uninstalled store/,
        attempt: '1',
      },
      exhausted: { reason: /^transient, gave up after 3 attempts: Error: Odoo is down/, attempt: '3' },
    };
    for (const [label, want] of Object.entries(expectations)) {
      const letter = byLabel.get(label);
      const original = sent.find((s) => s.label === label)!;
      expect(letter).toBeDefined();
      const h = (name: string) => letter!.headers[name]?.toString();
      expect(letter!.key).toBe(key);
      expect(letter!.value?.toString()).toBe(original.value); // same bytes
      expect(h('x-origin')).toBe('failures-spec'); // original headers kept
      expect(h('x-request-id')).toBe('req-1');
      expect(h(MessagingHeaders.DltReason)).toMatch(want.reason);
      expect(h(MessagingHeaders.Attempt)).toBe(want.attempt);
      expect(h(MessagingHeaders.DltService)).toBe(SERVICE);
      expect(h(MessagingHeaders.DltSourceTopic)).toBe(topic);
      expect(h(MessagingHeaders.DltSourcePartition)).toBe(String(original.partition));
      expect(h(MessagingHeaders.DltSourceOffset)).toBe(original.offset);
      expect(Number.isNaN(Date.parse(h(MessagingHeaders.DltFailedAt) ?? ''))).toBe(false);
    }

    // Everything, dead-lettered or handled, is committed: nothing is redelivered to the next owner.
    await waitUntilFullyCommitted(kafka, groupId, topic);
  });
});
