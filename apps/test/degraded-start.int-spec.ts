import { randomBytes } from 'node:crypto';

import type { RunningService } from '@app/bootstrap';
import { runService } from '@app/bootstrap';
import { type DedicatedMongo, freePort, startDedicatedMongo, uniqueName, waitFor } from '@app/testing';

import { SallaConnectorService } from '../salla-connector/src/salla-connector.service';

describe('a service whose dependencies are down when it starts', () => {
  let mongo: DedicatedMongo;
  let svc: RunningService | undefined;

  beforeAll(async () => {
    mongo = await startDedicatedMongo();
    await mongo.stop();
  });

  afterAll(async () => {
    await svc?.stop();
    await mongo?.dispose();
  });

  it('boots anyway, answers live 200 and ready 503 naming each missing dependency, and recovers when Mongo comes up', async () => {
    const name = uniqueName('degraded');
    svc = await runService(SallaConnectorService, {
      env: {
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        KAFKA_GROUP_ID: name,
        MONGODB_URI: mongo.uri,
        MONGODB_DB: name.replace(/-/g, '_'),
        MASTER_KEY: randomBytes(32).toString('base64'),
        SALLA_CLIENT_ID: 'degraded-test-client',
        SALLA_CLIENT_SECRET: 'degraded-test-secret',
        LOG_LEVEL: 'fatal',
        OTEL_ENABLED: 'false',
      },
    });
    type Health = Record<string, Record<string, { status: string; message?: string }> | undefined>;
    const ready = async (): Promise<{ status: number; body: Health }> => {
      const res = await fetch(`${svc!.url}/health/ready`);
      return { status: res.status, body: (await res.json()) as Health };
    };

    expect((await fetch(`${svc.url}/health/live`)).status).toBe(200);
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.error!.mongo).toMatchObject({ status: 'down' });
    expect(down.body.error!.kafka).toMatchObject({ status: 'down' });
    expect(String(down.body.error!.mongo.message)).toMatch(/connecting/);
    // Once the first connection attempt has failed, the reason is the broker's, not a generic timeout.
    await waitFor(
      async () => /ECONNREFUSED|Connection error/i.test(String((await ready()).body.error?.kafka?.message)),
      { timeoutMs: 20_000, intervalMs: 250, description: 'kafka reason names the refused connection' },
    );

    await mongo.start();
    const mongoUp = await waitFor(
      async () => {
        const r = await ready();
        return r.body.info?.mongo?.status === 'up' ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'mongo reported up' },
    );
    // Kafka is still unreachable, so the service as a whole stays not-ready, with Kafka as the reason.
    expect(mongoUp.status).toBe(503);
    expect(mongoUp.body.error!.kafka).toMatchObject({ status: 'down' });
  });
});
