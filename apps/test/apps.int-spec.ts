import { randomBytes, randomUUID } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';

import type { RunningService, ServiceDefinition } from '@app/bootstrap';
import { runService } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { CryptoService, StoreKeyShreddedError } from '@app/crypto';
import { EventPublisher, newEnvelope } from '@app/messaging';
import {
  type DedicatedMongo,
  integrationEnv,
  startDedicatedMongo,
  startGroupsAtTopicEnds,
  uniqueName,
  waitFor,
} from '@app/testing';

import { GatewayService } from '../gateway/src/gateway.service';
import { OdooConnectorService } from '../odoo-connector/src/odoo-connector.service';
import { PrivacyServiceService } from '../privacy-service/src/privacy-service.service';
import { SallaConnectorService } from '../salla-connector/src/salla-connector.service';

// Each definition is typed by its own env; the list only needs what every service shares.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const SERVICES: ServiceDefinition<any>[] = [
  GatewayService,
  SallaConnectorService,
  OdooConnectorService,
  PrivacyServiceService,
];

async function ready(svc: RunningService): Promise<{ status: number; body: string }> {
  const res = await fetch(`${svc.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

describe('the four services against real Kafka and a real MongoDB-wire server', () => {
  const { kafkaBrokers } = integrationEnv();
  const run = uniqueName('apps');
  const masterKey = randomBytes(32).toString('base64');
  let mongo: DedicatedMongo;
  const running = new Map<string, RunningService>();
  const dbOf = (name: string): string => `${run}-${name}`.replace(/-/g, '_');

  beforeAll(async () => {
    mongo = await startDedicatedMongo();
    await startGroupsAtTopicEnds(kafkaBrokers, [
      ...SERVICES.map((def) => `${run}-${def.name}`),
      `${run}-gateway.admin-dead-letters`,
      `${run}-receipts`,
    ]);
    for (const def of SERVICES) {
      const env = {
        NODE_ENV: 'test',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        KAFKA_BROKERS: kafkaBrokers.join(','),
        KAFKA_GROUP_ID: `${run}-${def.name}`,
        MONGODB_URI: mongo.uri,
        MONGODB_DB: dbOf(def.name),
        KEYRING_DB: dbOf('keyring'),
        MASTER_KEY: masterKey,
        SALLA_WEBHOOK_SECRET: 'apps-test-webhook-secret',
        SALLA_CLIENT_ID: 'apps-test-client-id',
        SALLA_CLIENT_SECRET: 'apps-test-client-secret',
        LOG_LEVEL: 'error',
        OTEL_ENABLED: 'false',
        KAFKA_RETRY_BASE_MS: '50',
      };
      running.set(def.name, await runService(def, { env }));
    }
  });

  afterAll(async () => {
    for (const svc of running.values()) await svc.stop();
    await mongo?.dispose();
  });

  it('each service reports ready once Kafka and Mongo are reachable', async () => {
    for (const [name, svc] of running) {
      const state = await waitFor(async () => ((await ready(svc)).status === 200 ? 'ok' : null), {
        timeoutMs: 60_000,
        description: `${name} ready`,
      });
      expect(state).toBe('ok');
    }
  });

  it('liveness stays 200 and readiness turns 503 naming mongo while the database is stopped, then recovers', async () => {
    await mongo.stop();
    try {
      for (const [name, svc] of running) {
        const down = await waitFor(
          async () => {
            const r = await ready(svc);
            return r.status === 503 ? r : null;
          },
          { timeoutMs: 30_000, description: `${name} not ready` },
        );
        expect(JSON.parse(down.body)).toMatchObject({
          status: 'error',
          error: { mongo: { status: 'down' } },
        });
        expect((await fetch(`${svc.url}/health/live`)).status).toBe(200);
      }
    } finally {
      await mongo.start();
    }
    for (const [name, svc] of running) {
      await waitFor(async () => (await ready(svc)).status === 200, {
        timeoutMs: 60_000,
        description: `${name} ready again`,
      });
    }
  });

  it('every service erases one store on request, shreds its key, keeps other stores, and sends a receipt', async () => {
    const storeA = uniqueName('store-a');
    const storeB = uniqueName('store-b');
    const gateway = running.get('gateway')!;
    const crypto = gateway.app.get(CryptoService);
    const sealedA = await crypto.encrypt(storeA, 'odoo-api-key-of-a');
    const sealedB = await crypto.encrypt(storeB, 'odoo-api-key-of-b');

    const conn = await mongoose.createConnection(mongo.uri, { dbName: dbOf('gateway') }).asPromise();
    try {
      const notes = conn.collection('test_notes');
      await notes.insertMany([
        { storeId: storeA, n: 1 },
        { storeId: storeA, n: 2 },
        { storeId: storeB, n: 3 },
      ]);

      const requestId = randomUUID();
      const kafka = new Kafka({ clientId: run, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
      const receipts: Array<{ service: string; outcome: string; erasedCount: number }> = [];
      const consumer = kafka.consumer({ groupId: `${run}-receipts` });
      await consumer.connect();
      await consumer.subscribe({ topic: Topic.PrivacyErasureCompleted });
      await consumer.run({
        eachMessage: ({ message }) => {
          const event = JSON.parse(message.value!.toString());
          if (event.payload.requestId === requestId) receipts.push(event.payload.receipt);
          return Promise.resolve();
        },
      });
      const publisher = new EventPublisher(kafka);
      try {
        await publisher.publish(
          Topic.PrivacyErasureRequested,
          newEnvelope(Topic.PrivacyErasureRequested, storeA, {
            requestId,
            scope: 'store',
            requestedAt: new Date().toISOString(),
          }),
          { key: storeA },
        );
        // A service may answer twice (its late-write sweep re-sends the receipt): one per service counts.
        await waitFor(() => new Set(receipts.map((r) => r.service)).size >= SERVICES.length, {
          timeoutMs: 300_000,
          description: 'a receipt from every service',
        });
      } finally {
        await publisher.close();
        await consumer.disconnect();
      }

      expect([...new Set(receipts.map((r) => r.service))].sort()).toEqual(SERVICES.map((s) => s.name).sort());
      const gatewayReceipt = receipts.find((r) => r.service === 'gateway')!;
      expect(gatewayReceipt).toMatchObject({ outcome: 'erased', erasedCount: 2 });
      expect(await notes.countDocuments({ storeId: storeA })).toBe(0);
      expect(await notes.countDocuments({ storeId: storeB })).toBe(1);
      await expect(crypto.decryptString(storeA, sealedA)).rejects.toBeInstanceOf(StoreKeyShreddedError);
      expect(await crypto.decryptString(storeB, sealedB)).toBe('odoo-api-key-of-b');
    } finally {
      await conn.close();
    }
  }, 420_000);
});
