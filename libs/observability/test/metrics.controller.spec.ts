import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

import { metrics, ObservabilityModule, PROMETHEUS_CONTENT_TYPE, shutdownTelemetry } from '../src';

@Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'metrics-test' })] })
class AppModule {}

describe('GET /metrics', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await shutdownTelemetry();
  });

  it('serves Prometheus text on the app port (Fastify), including a counter the app incremented', async () => {
    metrics.counter('webhooks.received', 'Salla webhooks accepted').add(2, { event: 'order.created' });

    const res = await app.inject({ method: 'GET', url: '/metrics' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('# TYPE webhooks_received_total counter');
    expect(res.body).toMatch(
      /webhooks_received_total\{event="order.created",otel_scope_name="metrics-test"\} 2/,
    );
  });
});
