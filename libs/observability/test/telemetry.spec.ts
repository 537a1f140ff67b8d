import { context, propagation, trace } from '@opentelemetry/api';

import { getTelemetry, metrics, shutdownTelemetry, startTelemetry, tracesExportedFromEnv } from '../src';

describe('startTelemetry (enabled)', () => {
  // Created before the SDK starts, as a module-level constant would be: it must still count.
  const early = metrics.counter('test.early.events', 'Created before startTelemetry');

  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('starts once and hands back the same telemetry on later calls', () => {
    const first = startTelemetry({ serviceName: 'telemetry-test', enabled: true });
    const second = startTelemetry({ serviceName: 'telemetry-test', enabled: true });
    expect(second).toBe(first);
    expect(getTelemetry()).toBe(first);
  });

  it('traces locally (ids, no exporter) when no OTLP endpoint is configured', () => {
    expect(getTelemetry()?.tracing).toBe('local');
  });

  it('registers the W3C propagator, so trace context can travel in Kafka headers', () => {
    const tracer = trace.getTracer('test');
    const headers: Record<string, string> = {};
    let traceId = '';
    tracer.startActiveSpan('produce', (span) => {
      traceId = span.spanContext().traceId;
      propagation.inject(context.active(), headers);
      span.end();
    });
    expect(headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const extracted = propagation.extract(context.active(), headers);
    expect(trace.getSpanContext(extracted)?.traceId).toBe(traceId);
  });

  it('exposes counters, histograms and up-down counters in the Prometheus text format', async () => {
    early.add(3, { topic: 'salla.order.created.v1' });
    metrics
      .histogram('test.odoo.call.duration', 'Odoo call time', { unit: 's', boundaries: [0.1, 1] })
      .record(0.5);
    const inflight = metrics.upDownCounter('test.inflight', 'Messages in flight');
    inflight.add(2);
    inflight.add(-1);

    const text = await getTelemetry()!.metricsText();
    expect(text).toContain('# TYPE test_early_events_total counter');
    expect(text).toMatch(
      /test_early_events_total\{topic="salla.order.created.v1",otel_scope_name="telemetry-test"\} 3/,
    );
    expect(text).toMatch(/test_odoo_call_duration_bucket\{otel_scope_name="telemetry-test",le="1"\} 1/);
    expect(text).toMatch(/test_inflight\{otel_scope_name="telemetry-test"\} 1/);
    expect(text).toMatch(/target_info\{service_name="telemetry-test"/);
  });

  it('shuts down (flushing) and may start again afterwards', async () => {
    await shutdownTelemetry();
    expect(getTelemetry()).toBeUndefined();
    await shutdownTelemetry(); // twice is harmless
    const again = startTelemetry({ serviceName: 'telemetry-test', enabled: true });
    trace.getTracer('test').startActiveSpan('after-restart', (span) => {
      expect(span.spanContext().traceId).not.toMatch(/^0+$/);
      span.end();
    });
    expect(getTelemetry()).toBe(again);
  });
});

describe('tracesExportedFromEnv', () => {
  const keys = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  const withEnv = (env: Record<string, string>): boolean => {
    for (const k of keys) delete process.env[k];
    Object.assign(process.env, env);
    return tracesExportedFromEnv();
  };
  afterEach(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('exports nothing by default (there is no collector)', () => expect(withEnv({})).toBe(false));
  it('exports over OTLP when an endpoint is set', () => {
    expect(withEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(withEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
  });
  it('follows OTEL_TRACES_EXPORTER when it is set', () => {
    expect(withEnv({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(
      withEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
    ).toBe(false);
  });
});
