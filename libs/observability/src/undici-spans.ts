import diagnosticsChannel from 'node:diagnostics_channel';

import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * CLIENT spans for outgoing requests made with undici (`undici.request`, and Node's global `fetch`, which is
 * undici inside): the Salla API calls and the Odoo calls. `@opentelemetry/instrumentation-http` only sees the
 * `node:http` module, so without this a trace stops at the handler that called Salla or Odoo.
 *
 * undici publishes each request's life on `diagnostics_channel` (both the npm package and the copy bundled
 * with Node use the same channel names); `create` is published synchronously from the caller's dispatch, so
 * the active context there is the caller's and the span becomes its child. No trace header is added to the
 * request: these go to servers outside our system (Salla, merchants' Odoo). The URL is recorded without its
 * query string, which could carry a token.
 */
const TRACER_NAME = '@app/observability/undici';

interface UndiciRequest {
  origin?: string | URL;
  method?: string;
  path?: string;
}

interface Subscription {
  channel: string;
  listener: (message: unknown) => void;
}

let active: Subscription[] | null = null;

/** Subscribes to undici's request channels (once; later calls do nothing). Returns the way to stop. */
export function traceUndiciRequests(): () => void {
  if (active) return stopTracingUndiciRequests;
  const tracer = trace.getTracer(TRACER_NAME);
  const spans = new WeakMap<object, Span>();

  const finish = (request: object, end: (span: Span) => void): void => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    end(span);
    span.end();
  };

  active = [
    {
      channel: 'undici:request:create',
      listener: (message) => {
        const request = (message as { request: UndiciRequest }).request;
        const method = (request.method ?? 'GET').toUpperCase();
        const url = urlOf(request);
        const span = tracer.startSpan(method, {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': method,
            ...(url
              ? {
                  'url.full': url.href,
                  'server.address': url.hostname,
                  'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
                }
              : {}),
          },
        });
        spans.set(request, span);
      },
    },
    {
      channel: 'undici:request:headers',
      listener: (message) => {
        const { request, response } = message as { request: object; response: { statusCode: number } };
        // The answer's head is what the caller waits for; the body streams on (and may never be read).
        finish(request, (span) => {
          span.setAttribute('http.response.status_code', response.statusCode);
          if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        });
      },
    },
    {
      channel: 'undici:request:error',
      listener: (message) => {
        const { request, error } = message as { request: object; error: unknown };
        finish(request, (span) => {
          const err = error instanceof Error ? error : new Error(String(error));
          span.recordException(err);
          span.setAttribute('error.type', err.name);
          span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        });
      },
    },
  ];
  for (const { channel, listener } of active) diagnosticsChannel.subscribe(channel, listener);
  return stopTracingUndiciRequests;
}

/** Unsubscribes what {@link traceUndiciRequests} subscribed. */
export function stopTracingUndiciRequests(): void {
  if (!active) return;
  for (const { channel, listener } of active) diagnosticsChannel.unsubscribe(channel, listener);
  active = null;
}

function urlOf(request: UndiciRequest): URL | null {
  if (!request.origin) return null;
  try {
    const url = new URL(request.path ?? '/', request.origin);
    url.search = '';
    url.username = '';
    url.password = '';
    return url;
  } catch {
    return null;
  }
}
