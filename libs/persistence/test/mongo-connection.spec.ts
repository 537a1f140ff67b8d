import { createServer } from 'node:net';

import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Model } from 'mongoose';

import {
  backoffDelay,
  defineStoreScopedSchema,
  InjectModel,
  MongoConnection,
  mongoOptionsFromEnv,
  PersistenceLogger,
  PersistenceModule,
  PersistenceUnavailableError,
  TtlIndexNotSupportedError,
} from '../src';
import { redactString } from '@app/observability';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const silent = (): PersistenceLogger & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
};

interface Thing {
  storeId: string;
  name: string;
}

describe('MongoConnection (no server needed)', () => {
  it('refuses TTL indexes declared with expires on a path or expireAfterSeconds on an index', async () => {
    const conn = new MongoConnection({ uri: 'mongodb://127.0.0.1:1', dbName: 'unit', logger: silent() });
    const onPath = defineStoreScopedSchema<{ storeId: string; at: Date }>({
      at: { type: Date, expires: 3600 },
    });
    expect(() => conn.model('TtlOnPath', onPath)).toThrow(TtlIndexNotSupportedError);
    const onIndex = defineStoreScopedSchema<{ storeId: string; at: Date }>({ at: Date });
    onIndex.index({ at: 1 }, { expireAfterSeconds: 60 });
    expect(() => conn.model('TtlOnIndex', onIndex)).toThrow(/not allowed.*sweepOlderThan/);
    await conn.close();
  });

  it('registering a model twice returns the same model; another schema under the same name is refused', async () => {
    const conn = new MongoConnection({ uri: 'mongodb://127.0.0.1:1', dbName: 'unit', logger: silent() });
    const schema = defineStoreScopedSchema<Thing>({ name: String });
    expect(conn.model('Twice', schema)).toBe(conn.model('Twice', schema));
    expect(() => conn.model('Twice', defineStoreScopedSchema<Thing>({ name: String }))).toThrow(
      /already registered/,
    );
    expect(conn.model('Twice', schema, { dbName: 'elsewhere' }).db.name).toBe('elsewhere');
    await conn.close();
  });

  it('while the server is unreachable: state is connecting, ping fails fast and clearly, nothing throws', async () => {
    const port = await freePort();
    const logger = silent();
    const conn = new MongoConnection({
      uri: `mongodb://app:s3cret@127.0.0.1:${port}`,
      dbName: 'unit',
      serverSelectionTimeoutMS: 200,
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
      logger,
    });
    const Thing = conn.model<Thing>('Thing', defineStoreScopedSchema<Thing>({ name: String }));
    conn.start();
    expect(conn.state).toBe('connecting');
    await expect(conn.ping()).rejects.toBeInstanceOf(PersistenceUnavailableError);
    // bufferCommands is off: an operation fails at once instead of hanging until the database returns.
    await expect(Thing.findOne({ storeId: 's' })).rejects.toThrow(/before initial connection is complete/);
    await new Promise((r) => setTimeout(r, 600));
    expect(conn.state).toBe('connecting');
    expect(conn.lastError?.message).toMatch(/ECONNREFUSED/);
    expect(logger.lines.some((l) => /unreachable \(attempt [2-9]/.test(l))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain('s3cret');
    await expect(conn.whenReady(100)).rejects.toThrow(
      /not ready after 100ms \(state connecting, last error: .*ECONNREFUSED/,
    );
    await conn.close();
    expect(conn.state).toBe('disconnected');
  });

  it('PersistenceModule lets Nest boot while the database is down and injects models', async () => {
    const port = await freePort();

    @Injectable()
    class ThingService {
      constructor(@InjectModel('Thing') readonly things: Model<Thing>) {}
    }

    const started = Date.now();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRootAsync({
          useFactory: () => ({
            ...mongoOptionsFromEnv({ MONGODB_URI: `mongodb://127.0.0.1:${port}` }, 'unit-service'),
            serverSelectionTimeoutMS: 200,
            logger: silent(),
          }),
        }),
        PersistenceModule.forFeature([
          { name: 'Thing', schema: defineStoreScopedSchema<Thing>({ name: String }) },
        ]),
      ],
      providers: [ThingService],
    }).compile();
    const app = await moduleRef.init(); // an application context runs the same lifecycle hooks
    expect(Date.now() - started).toBeLessThan(2_000);

    const mongo = app.get(MongoConnection);
    expect(mongo.dbName).toBe('unit-service');
    expect(mongo.state).toBe('connecting');
    await expect(mongo.ping()).rejects.toThrow(/not connected yet/);
    expect(app.get(ThingService).things.modelName).toBe('Thing');
    await app.close();
    expect(mongo.state).toBe('disconnected');
  });
});

describe('helpers', () => {
  it('backoff grows exponentially with jitter and is capped', () => {
    const mid = () => 0.5;
    const delays = [0, 1, 2, 3, 10].map((a) =>
      backoffDelay(a, { initialDelayMs: 100, maxDelayMs: 1_000 }, mid),
    );
    expect(delays).toEqual([75, 150, 300, 600, 750]);
    expect(backoffDelay(0, { initialDelayMs: 100 }, () => 0)).toBe(50);
    expect(backoffDelay(0, { initialDelayMs: 100 }, () => 1)).toBe(100);
  });

  it('URIs are logged without passwords', () => {
    expect(redactString('mongodb://app:s3cret@db:27017/x?authSource=admin')).toBe(
      'mongodb://app:[REDACTED]@db:27017/x?authSource=admin',
    );
    expect(redactString('mongodb://127.0.0.1:27017')).toBe('mongodb://127.0.0.1:27017');
  });

  it('the database name comes from MONGODB_DB, else the service default', () => {
    expect(mongoOptionsFromEnv({ MONGODB_URI: 'mongodb://h', MONGODB_DB: 'custom' }, 'gateway').dbName).toBe(
      'custom',
    );
    expect(mongoOptionsFromEnv({ MONGODB_URI: 'mongodb://h' }, 'gateway').dbName).toBe('gateway');
  });
});
