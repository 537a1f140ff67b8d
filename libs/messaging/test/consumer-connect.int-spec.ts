import { createServer, connect, type Server, type Socket } from 'node:net';

import { Kafka, logLevel } from 'kafkajs';

import {
  EventPublisher,
  ensureTopics,
  newEnvelope,
  ReliableConsumer,
  type ConsumerState,
} from '@app/messaging';
import { uniqueName, waitFor } from '@app/testing';

import {
  brokers,
  fastConsumer,
  quietLogger,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
  TestPayload,
} from './support/kafka-test-kit';

/** A port with nothing behind it until `open()`, then a TCP relay to the real broker (bootstrap only). */
async function lateBroker(): Promise<{
  port: number;
  open: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const [host, port] = brokers()[0].split(':');
  const sockets = new Set<Socket>();
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const freePort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  let server: Server | undefined;
  return {
    port: freePort,
    open: () =>
      new Promise<void>((resolve) => {
        server = createServer((client) => {
          const upstream = connect(Number(port), host);
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        });
        server.listen(freePort, '127.0.0.1', resolve);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server) server.close(() => resolve());
        else resolve();
      }),
  };
}

describe('ReliableConsumer when Kafka is unreachable at start (real Kafka behind a late relay)', () => {
  const kafka = testKafka('connect');
  const publisher = new EventPublisher(kafka);

  afterAll(async () => {
    await publisher.close();
  });

  it('keeps retrying without crashing, reports connecting + the last error, and runs once Kafka answers', async () => {
    const topic = uniqueName('connect');
    await ensureTopics(kafka, testTopicSpecs(topic, 1), { logger: quietLogger });
    await publisher.publish(topic, newEnvelope(TEST_TYPE, 's', { name: 'n', seq: 0 }), { key: 's' });
    const relay = await lateBroker();

    const viaRelay = new Kafka({
      clientId: uniqueName('late'),
      brokers: [`127.0.0.1:${relay.port}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    const states: ConsumerState[] = [];
    const handled: number[] = [];
    const consumer = new ReliableConsumer({
      kafka: viaRelay,
      groupId: uniqueName('connect-group'),
      service: 'connect-test',
      publisher,
      maxAttempts: 3,
      ...fastConsumer,
      onStatusChange: (s) => states.push(s),
    }).handle(topic, TestPayload, (e) => void handled.push(e.payload.seq), { expectedType: TEST_TYPE });

    try {
      consumer.start();
      await waitFor(() => consumer.state.lastError !== null, {
        description: 'a connection error is reported',
      });
      expect(consumer.state.status).toBe('connecting');
      expect(consumer.state.lastError).toMatch(/connect|ECONNREFUSED|retries/i);
      await new Promise((r) => setTimeout(r, 1_500)); // several reconnect rounds, still alive
      expect(consumer.state.status).toBe('connecting');

      await relay.open();
      await consumer.whenRunning(20_000);
      await waitFor(() => handled.length === 1, { description: 'message handled after recovery' });
      expect(states[0].status).toBe('connecting');
      expect(states.some((s) => s.status === 'running')).toBe(true);
    } finally {
      await consumer.stop();
      await relay.close();
    }
    expect(consumer.state.status).toBe('stopped');
  });

  it('stop() while still connecting returns promptly', async () => {
    const nowhere = new Kafka({
      clientId: 'nowhere',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100 },
    });
    const consumer = new ReliableConsumer({
      kafka: nowhere,
      groupId: uniqueName('nowhere'),
      service: 'connect-test',
      publisher,
      maxAttempts: 3,
      ...fastConsumer,
    }).handle('never.used.topic.v1', TestPayload, () => undefined);
    consumer.start();
    await waitFor(() => consumer.state.lastError !== null, { description: 'connection error' });
    const t0 = Date.now();
    await consumer.stop();
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(consumer.state).toMatchObject({ status: 'stopped' });
  });
});
