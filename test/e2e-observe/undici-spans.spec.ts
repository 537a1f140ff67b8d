import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { tracing } from '@opentelemetry/sdk-node';
import { request } from 'undici';

import { stopTracingUndiciRequests, traceUndiciRequests } from '../../libs/observability/src/undici-spans';

/**
 * Calls to Salla (global fetch) and to Odoo (undici.request) leave the process through undici, which the http
 * instrumentation does not see: without these client spans a trace ends at the handler that made the call.
 */
describe('client spans for undici requests', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  let server: Server;
  let base: string;
  let seenHeaders: Record<string, string | string[] | undefined> = {};

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
    traceUndiciRequests();
    server = createServer((req, res) => {
      seenHeaders = req.headers;
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => exporter.reset());

  afterAll(async () => {
    stopTracingUndiciRequests();
    await new Promise((resolve) => server.close(resolve));
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('an undici.request inside a span becomes its CLIENT child, with method, URL (no query) and status', async () => {
    const tracer = trace.getTracer('test');
    const parent = await tracer.startActiveSpan('handler', async (span) => {
      const res = await request(`${base}/jsonrpc?api_key=secret`, { method: 'POST', body: '{}' });
      await res.body.text();
      span.end();
      return span;
    });
    const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(client).toBeDefined();
    expect(client?.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(client?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(client?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${base}/jsonrpc`,
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(client?.attributes)).not.toContain('secret');
    // Salla and merchants' Odoo are outside our system: no trace header is sent to them.
    expect(seenHeaders.traceparent).toBeUndefined();
  });

  it('global fetch is traced too, and a 4xx answer marks the span as an error', async () => {
    await (await fetch(`${base}/missing`)).text();
    const [client] = exporter.getFinishedSpans();
    expect(client.attributes['http.response.status_code']).toBe(404);
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a refused connection ends the span with the error recorded', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(request(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const [client] = exporter.getFinishedSpans();
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(client.events.some((e) => e.name === 'exception')).toBe(true);
  });
});
