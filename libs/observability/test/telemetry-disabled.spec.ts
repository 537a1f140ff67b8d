import { context, propagation, trace } from '@opentelemetry/api';

import { getTelemetry, metrics, shutdownTelemetry, startTelemetry } from '../src';

describe('startTelemetry (disabled)', () => {
  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('skips tracing but keeps metrics, which ops need more than traces', async () => {
    const telemetry = startTelemetry({ serviceName: 'quiet', enabled: false });
    expect(telemetry.tracing).toBe('off');

    trace.getTracer('test').startActiveSpan('ignored', (span) => {
      expect(span.isRecording()).toBe(false);
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      expect(headers).toEqual({});
      span.end();
    });

    metrics.counter('quiet.events', 'Events while tracing is off').add(1);
    const text = await getTelemetry()!.metricsText();
    expect(text).toMatch(/quiet_events_total\{otel_scope_name="quiet"\} 1/);
  });

  it('treats OTEL_SDK_DISABLED=true as disabled', async () => {
    await shutdownTelemetry();
    process.env['OTEL_SDK_DISABLED'] = 'true';
    try {
      expect(startTelemetry({ serviceName: 'quiet', enabled: true }).tracing).toBe('off');
    } finally {
      delete process.env['OTEL_SDK_DISABLED'];
    }
  });
});
