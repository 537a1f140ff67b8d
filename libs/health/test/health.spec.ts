import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

import { metrics, ObservabilityModule, shutdownTelemetry } from '@app/observability';

import { type DependencyProbe, HealthModule, kafkaProbe, mongoProbe } from '../src';

/** A dependency the test switches between up, down and hung. */
class FakeProbe implements DependencyProbe {
  mode: 'up' | 'down' | 'hang' = 'up';
  calls = 0;
  constructor(
    readonly name: string,
    private readonly reason = 'connecting: connect ECONNREFUSED 127.0.0.1:27017',
  ) {}
  check(): Promise<void> {
    this.calls++;
    if (this.mode === 'up') return Promise.resolve();
    if (this.mode === 'down') return Promise.reject(new Error(this.reason));
    return new Promise<void>(() => undefined);
  }
}

async function fastifyApp(module: unknown): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module as never] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('HealthModule on Fastify', () => {
  const mongo = new FakeProbe('mongo');
  const kafka = new FakeProbe('kafka', 'no broker answered describeCluster');
  let app: NestFastifyApplication;

  @Module({
    imports: [
      HealthModule.forRoot({ checks: [mongo, kafka], timeoutMs: 300 }),
      ObservabilityModule.forRoot({ serviceName: 'health-test' }),
    ],
  })
  class AppModule {}

  beforeAll(async () => {
    app = await fastifyApp(AppModule);
  });
  afterAll(async () => {
    await app.close();
    await shutdownTelemetry();
  });
  beforeEach(() => {
    mongo.mode = 'up';
    kafka.mode = 'up';
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('is ready while every dependency is up', async () => {
    const res = await get('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      info: { mongo: { status: 'up' }, kafka: { status: 'up' } },
      error: {},
      details: { mongo: { status: 'up' }, kafka: { status: 'up' } },
    });
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('answers 503 naming the failing dependency and why, then recovers to 200', async () => {
    expect((await get('/health/ready')).statusCode).toBe(200);

    mongo.mode = 'down';
    const down = await get('/health/ready');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'error',
      error: { mongo: { status: 'down', message: 'connecting: connect ECONNREFUSED 127.0.0.1:27017' } },
      info: { kafka: { status: 'up' } },
    });
    expect((await get('/health/live')).statusCode).toBe(200);

    mongo.mode = 'up';
    expect((await get('/health/ready')).statusCode).toBe(200);
  });

  it('reports every failing dependency at once', async () => {
    mongo.mode = 'down';
    kafka.mode = 'down';
    const res = await get('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(Object.keys(res.json().error).sort()).toEqual(['kafka', 'mongo']);
    expect(res.json().error.kafka.message).toBe('no broker answered describeCluster');
  });

  it('answers 503 within the timeout when a dependency hangs, and does not pile up calls to it', async () => {
    kafka.mode = 'hang';
    const before = kafka.calls;
    const started = Date.now();
    const [first, second] = await Promise.all([get('/health/ready'), get('/health/ready')]);
    const elapsed = Date.now() - started;

    expect(first.statusCode).toBe(503);
    expect(second.statusCode).toBe(503);
    expect(first.json().error.kafka).toEqual({ status: 'down', message: 'timed out after 300 ms' });
    expect(elapsed).toBeLessThan(1500);
    expect(kafka.calls - before).toBe(1);
    expect((await get('/health/live')).statusCode).toBe(200);
  });

  it('recovers once a dependency that hung answers again, even if the stuck call never returns', async () => {
    kafka.mode = 'hang';
    expect((await get('/health/ready')).statusCode).toBe(503);
    kafka.mode = 'up';
    expect((await get('/health/ready')).statusCode).toBe(200);
  });

  it('stays live whatever the dependencies do', async () => {
    mongo.mode = 'down';
    kafka.mode = 'hang';
    const res = await get('/health/live');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', info: { process: { status: 'up' } } });
  });

  it('serves /metrics from the same app with a counter incremented here', async () => {
    metrics.counter('health.test.ticks', 'Ticks counted by the health test').add(5, { kind: 'tick' });
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/health_test_ticks_total\{kind="tick",otel_scope_name="health-test"\} 5/);
  });
});

describe('HealthModule.forRootAsync', () => {
  it('builds probes from injected providers', async () => {
    const probe = new FakeProbe('mongo');
    probe.mode = 'down';
    const CONNECTION = Symbol('CONNECTION');

    @Module({ providers: [{ provide: CONNECTION, useValue: probe }], exports: [CONNECTION] })
    class ConnectionModule {}

    @Module({
      imports: [
        HealthModule.forRootAsync({
          imports: [ConnectionModule],
          inject: [CONNECTION],
          useFactory: (p: FakeProbe) => ({ checks: [p] }),
        }),
      ],
    })
    class AsyncAppModule {}

    const app = await fastifyApp(AsyncAppModule);
    try {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.mongo.status).toBe('down');
    } finally {
      await app.close();
    }
  });

  it('refuses two probes with the same name', () => {
    expect(() => HealthModule.forRoot({ checks: [new FakeProbe('mongo'), new FakeProbe('mongo')] })).toThrow(
      /two probes are named "mongo"/,
    );
  });
});

describe('mongoProbe', () => {
  const conn = (state: string, lastError?: string | Error, ping = jest.fn(() => Promise.resolve())) => ({
    state,
    lastError,
    ping,
  });

  it('is up when connected and the server answers ping', async () => {
    const c = conn('connected');
    await expect(mongoProbe(c).check()).resolves.toBeUndefined();
    expect(c.ping).toHaveBeenCalledTimes(1);
  });

  it('is down with the state and the last error while not connected, without pinging', async () => {
    const c = conn('connecting', 'connect ECONNREFUSED 127.0.0.1:27017');
    await expect(mongoProbe(c).check()).rejects.toThrow('connecting: connect ECONNREFUSED 127.0.0.1:27017');
    await expect(mongoProbe(conn('disconnected', new Error('topology closed'))).check()).rejects.toThrow(
      'disconnected: topology closed',
    );
    await expect(mongoProbe(conn('disconnected')).check()).rejects.toThrow(/^disconnected$/);
    expect(c.ping).not.toHaveBeenCalled();
  });

  it('is down when ping fails', async () => {
    const c = conn(
      'connected',
      undefined,
      jest.fn(() => Promise.reject(new Error('ping failed: not primary'))),
    );
    await expect(mongoProbe(c, { name: 'mongo-main' }).check()).rejects.toThrow('ping failed: not primary');
    expect(mongoProbe(c, { name: 'mongo-main' }).name).toBe('mongo-main');
  });
});

describe('kafkaProbe', () => {
  it('passes the check through, named kafka', async () => {
    const probe = kafkaProbe({
      check: () => Promise.reject(new Error('KafkaJSConnectionError: ECONNREFUSED')),
    });
    expect(probe.name).toBe('kafka');
    await expect(probe.check()).rejects.toThrow('ECONNREFUSED');
    await expect(kafkaProbe({ check: () => Promise.resolve() }).check()).resolves.toBeUndefined();
  });
});
