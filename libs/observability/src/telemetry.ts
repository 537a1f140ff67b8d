import type { IncomingMessage, ServerResponse } from 'node:http';

import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  getBooleanFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

import { traceUndiciRequests } from './undici-spans';

/** Content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface TelemetryOptions {
  /** `service.name` of every span and metric, and the name of the meter behind `metrics.*`. */
  serviceName: string;
  /**
   * `false` (OTEL_ENABLED=false) skips the SDK, instrumentations and tracing, but metrics and `/metrics`
   * keep working. `OTEL_SDK_DISABLED=true` has the same effect.
   */
  enabled: boolean;
  serviceVersion?: string;
}

/**
 * - `off`: no tracer provider (telemetry disabled); log lines carry no trace ids.
 * - `local`: spans are created and propagated (trace ids in logs and Kafka headers) but exported nowhere.
 * - `export`: spans are exported as the OTEL_* environment says (OTLP over HTTP by default).
 */
export type TracingMode = 'off' | 'local' | 'export';

export interface Telemetry {
  readonly serviceName: string;
  readonly tracing: TracingMode;
  /** The Prometheus metric reader (created with `preventServerStart`; nothing listens on 9464). */
  readonly prometheus: PrometheusExporter;
  /** Collects every metric now and renders the Prometheus text format. */
  metricsText(): Promise<string>;
  /** Raw Node handler answering with the metrics, for servers that are not Nest (or a hijacked reply). */
  metricsRequestHandler(req: IncomingMessage, res: ServerResponse): void;
}

interface Running extends Telemetry {
  shutdown(): Promise<void>;
}

let running: Running | undefined;

/**
 * Starts OpenTelemetry once per process and returns the handle; later calls return the same handle.
 * Call it from `apps/<name>/src/telemetry.ts`, the first import of `main.ts`, so the http, kafkajs and
 * mongoose instrumentations patch those modules before anything requires them.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) {
    if (running.serviceName !== options.serviceName) {
      diag.warn(
        `startTelemetry: already started as "${running.serviceName}", ignoring "${options.serviceName}"`,
      );
    }
    return running;
  }
  const enabled = options.enabled && !getBooleanFromEnv('OTEL_SDK_DISABLED');
  running = enabled ? startSdk(options) : startMetricsOnly(options);
  return running;
}

/** The running telemetry, if {@link startTelemetry} was called. */
export function getTelemetry(): Telemetry | undefined {
  return running;
}

/**
 * Flushes pending spans and shuts the providers down; call it last, after `app.close()`. Bounded by
 * `timeoutMs` (an unreachable collector retries for seconds) and never rejects: a failed flush is written
 * as one warn line, since at exit there is nothing better to do with it. Safe to call when telemetry never
 * started, or twice; afterwards {@link startTelemetry} may start it afresh.
 */
export async function shutdownTelemetry(options: { timeoutMs?: number } = {}): Promise<void> {
  const current = running;
  running = undefined;
  if (!current) return;
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([current.shutdown(), timeout]);
  } catch (err) {
    const line = {
      time: new Date().toISOString(),
      level: 'warn',
      service: current.serviceName,
      context: 'Telemetry',
      msg: `telemetry flush failed: ${err instanceof Error ? err.message : String(err)}`,
    };
    process.stdout.write(JSON.stringify(line) + '\n');
  } finally {
    clearTimeout(timer);
  }
}

function resourceFor(options: TelemetryOptions) {
  return defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
    }),
  );
}

function startSdk(options: TelemetryOptions): Running {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const instrumentations = [
    new HttpInstrumentation({
      // Probes and scrapes every few seconds would drown the real traffic.
      ignoreIncomingRequestHook: (req) => isOpsPath(req.url),
    }),
    new KafkaJsInstrumentation(),
    new MongooseInstrumentation(),
  ];
  const tracing: TracingMode = tracesExportedFromEnv() ? 'export' : 'local';
  const config: Partial<NodeSDKConfiguration> = {
    serviceName: options.serviceName,
    resource: resourceFor(options),
    instrumentations,
    // W3C trace-context (+ baggage) no matter what OTEL_PROPAGATORS says: the messaging lib injects and
    // extracts Kafka headers through the global propagator and every service must agree on the format.
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    metricReaders: [prometheus],
    // Logs go to stdout as JSON lines (JsonLogger); no OTLP log pipeline.
    logRecordProcessors: [],
  };
  // 'export': leave spanProcessors unset so the SDK builds the exporter from OTEL_TRACES_EXPORTER /
  // OTEL_EXPORTER_OTLP_* itself. 'local': a processor that drops spans keeps the tracer provider (and so
  // trace ids) alive without an exporter retrying a collector that is not there.
  if (tracing === 'local') config.spanProcessors = [dropSpans];
  const sdk = new NodeSDK(config);
  sdk.start();
  // Salla and Odoo are called through undici (fetch / undici.request), which the http instrumentation misses.
  const stopUndiciSpans = traceUndiciRequests();
  return handle(options.serviceName, tracing, prometheus, async () => {
    stopUndiciSpans();
    for (const i of instrumentations) i.disable();
    await sdk.shutdown();
  });
}

function startMetricsOnly(options: TelemetryOptions): Running {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  // OTEL_RESOURCE_ATTRIBUTES still applies; the SDK path gets it (and host/process) from its detectors.
  const resource = detectResources({ detectors: [envDetector] }).merge(resourceFor(options));
  const provider = new MeterProvider({ resource, readers: [prometheus] });
  if (!metrics.setGlobalMeterProvider(provider)) {
    diag.warn('startTelemetry: a global MeterProvider was already registered; /metrics shows only this one');
  }
  return handle(options.serviceName, 'off', prometheus, async () => {
    metrics.disable();
    await provider.shutdown();
  });
}

function handle(
  serviceName: string,
  tracing: TracingMode,
  prometheus: PrometheusExporter,
  stop: () => Promise<void>,
): Running {
  const serializer = new PrometheusSerializer();
  const metricsText = async (): Promise<string> => {
    const { resourceMetrics, errors } = await prometheus.collect();
    if (errors.length > 0) diag.error('PrometheusExporter: metrics collection errors', ...errors);
    return serializer.serialize(resourceMetrics);
  };
  return {
    serviceName,
    tracing,
    prometheus,
    metricsText,
    metricsRequestHandler(_req, res) {
      metricsText().then(
        (text) => {
          res.statusCode = 200;
          res.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
          res.end(text);
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          res.end(`# failed to collect metrics: ${String(err)}\n`);
        },
      );
    },
    async shutdown() {
      try {
        await stop();
      } finally {
        // Let a later startTelemetry (tests) register fresh providers.
        if (tracing !== 'off') disableGlobals();
      }
    },
  };
}

function disableGlobals(): void {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
}

/**
 * True when traces should leave the process: OTEL_TRACES_EXPORTER names an exporter other than `none`,
 * or it is unset and an OTLP endpoint is configured (the SDK then defaults to OTLP over HTTP/protobuf).
 */
export function tracesExportedFromEnv(): boolean {
  const exporters = (getStringListFromEnv('OTEL_TRACES_EXPORTER') ?? []).filter(
    (e) => e !== '' && e !== 'null',
  );
  if (exporters.length > 0) return !(exporters.length === 1 && exporters[0] === 'none');
  return Boolean(
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT'),
  );
}

function isOpsPath(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split('?', 1)[0];
  return path === '/metrics' || path === '/health/live' || path === '/health/ready';
}

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
