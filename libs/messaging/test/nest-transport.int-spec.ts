import { Controller, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { logLevel } from 'kafkajs';

import { deadLetterTopicOf, type EventEnvelope } from '@app/contracts';
import {
  EventPublisher,
  MessagingHeaders,
  KafkaConnectivity,
  KafkaEvent,
  KafkaEventContext,
  KafkaEventTransport,
  MessagingModule,
  newEnvelope,
  PermanentError,
} from '@app/messaging';
import { startTelemetry } from '@app/observability';
import { uniqueName, waitFor } from '@app/testing';

import {
  brokers,
  fastConsumer,
  readTopic,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
  TestPayload,
} from './support/kafka-test-kit';

const TOPIC = uniqueName('nest');
const SERVICE = 'nest-transport-test';
const calls: Array<{ name: string; attempt: number; key: string | null; partition: number }> = [];

@Controller()
class ThingsController {
  @KafkaEvent(TOPIC, TestPayload, { expectedType: TEST_TYPE })
  async onThing(@Payload() event: EventEnvelope<TestPayload>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await Promise.resolve();
    calls.push({
      name: event.payload.name,
      attempt: ctx.getAttempt(),
      key: ctx.getKey(),
      partition: ctx.getPartition(),
    });
    if (!(event.payload instanceof TestPayload))
      throw new PermanentError('payload was not validated into its class');
    if (event.payload.name === 'poison') throw new PermanentError('this product can never be mapped');
    if (event.payload.name === 'flaky' && ctx.getAttempt() === 1) throw new Error('Odoo timed out');
  }
}

describe('KafkaEventTransport + MessagingModule in a hybrid Nest app (real Kafka)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // As in a service's main.ts: telemetry first, so the messaging metrics have a meter to record into.
    startTelemetry({ serviceName: SERVICE, enabled: false });
    const { logger: _quiet, shutdownTimeoutMs, retryBaseMs, ...tuning } = fastConsumer;
    const moduleRef = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          service: SERVICE,
          brokers: brokers(),
          topics: [TOPIC],
          topicSpecs: testTopicSpecs(TOPIC, 3),
          maxAttempts: 3,
          retryBaseMs,
          shutdownTimeoutMs,
          consumer: tuning,
          kafkaLogLevel: logLevel.NOTHING,
        }),
      ],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    app.connectMicroservice({ strategy: app.get(KafkaEventTransport) });
    await app.startAllMicroservices();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('@KafkaEvent handlers get validated events; PermanentError dead-letters, other errors retry; readiness follows the consumer', async () => {
    const connectivity = app.get(KafkaConnectivity);
    await waitFor(
      async () => {
        await connectivity.check();
        return true;
      },
      { timeoutMs: 20_000, description: 'kafka ready' },
    );
    expect(connectivity.details()).toMatchObject({
      topics: { ready: true },
      consumer: { status: 'running' },
    });

    const publisher = app.get(EventPublisher);
    for (const name of ['first', 'poison', 'flaky', 'last']) {
      await publisher.publish(TOPIC, newEnvelope(TEST_TYPE, 'store-1', { name, seq: 0 }), { key: 'store-1' });
    }
    await waitFor(() => calls.some((c) => c.name === 'last'), {
      timeoutMs: 20_000,
      description: 'last handled',
    });
    expect(calls.map((c) => `${c.name}#${c.attempt}`)).toEqual([
      'first#1',
      'poison#1',
      'flaky#1',
      'flaky#2',
      'last#1',
    ]);
    expect(calls.every((c) => c.key === 'store-1')).toBe(true);

    const [letter] = await readTopic(testKafka('nest-reader'), deadLetterTopicOf(TOPIC), 1);
    expect(letter.headers[MessagingHeaders.DltReason]?.toString()).toBe(
      'permanent: PermanentError: this product can never be mapped',
    );
    expect(letter.headers[MessagingHeaders.DltService]?.toString()).toBe(SERVICE);
    expect(letter.headers[MessagingHeaders.Attempt]?.toString()).toBe('1');

    // What ops see on /metrics for this topic: 3 handled, 1 dead-lettered, 1 retry, 4 acked publishes.
    const text = await startTelemetry({ serviceName: SERVICE, enabled: false }).metricsText();
    const sample = (name: string, ...labels: string[]): number => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const topic = `topic="${TOPIC}"`;
    expect(sample('messaging_consumer_messages_total', topic, 'outcome="handled"')).toBe(3);
    expect(sample('messaging_consumer_messages_total', topic, 'outcome="dead-lettered"')).toBe(1);
    expect(sample('messaging_consumer_retries_total', topic)).toBe(1);
    expect(sample('messaging_producer_messages_total', topic, 'outcome="acked"')).toBe(4);
  });

  it('app.close() stops the consumer gracefully; readiness then fails', async () => {
    const transport = app.get(KafkaEventTransport);
    const connectivity = app.get(KafkaConnectivity);
    await app.close();
    expect(transport.state().status).toBe('stopped');
    await expect(connectivity.check()).rejects.toThrow();
    await expect(transport.close()).resolves.toBeUndefined(); // idempotent
  });
});
