import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics as otelMetrics,
  type UpDownCounter,
} from '@opentelemetry/api';

import { getTelemetry } from './telemetry';

export interface InstrumentOptions {
  /** UCUM unit, e.g. `s`, `ms`, `By`, `{message}`. */
  unit?: string;
}

export interface HistogramOptions extends InstrumentOptions {
  /** Bucket upper bounds; the SDK default suits milliseconds (0…10 000). */
  boundaries?: number[];
}

/**
 * Instruments on the meter named after the service (`startTelemetry({ serviceName })`).
 *
 * Each instrument binds to the global MeterProvider on first use and rebinds if it changes, so one may be
 * created at module load, before `startTelemetry` ran, without silently becoming a no-op forever (what a
 * bare `metrics.getMeter().createCounter()` does). Creating the same name twice shares one series.
 *
 * Names are OpenTelemetry style (`sync.orders.pushed`); Prometheus sees `sync_orders_pushed_total`.
 */
export const metrics = {
  counter<A extends Attributes = Attributes>(
    name: string,
    description: string,
    options: InstrumentOptions = {},
  ): Counter<A> {
    const get = bind((m) => m.createCounter<A>(name, { description, unit: options.unit }));
    return { add: (value, attributes, ctx) => get().add(value, attributes, ctx) };
  },

  upDownCounter<A extends Attributes = Attributes>(
    name: string,
    description: string,
    options: InstrumentOptions = {},
  ): UpDownCounter<A> {
    const get = bind((m) => m.createUpDownCounter<A>(name, { description, unit: options.unit }));
    return { add: (value, attributes, ctx) => get().add(value, attributes, ctx) };
  },

  histogram<A extends Attributes = Attributes>(
    name: string,
    description: string,
    options: HistogramOptions = {},
  ): Histogram<A> {
    const advice = options.boundaries ? { explicitBucketBoundaries: options.boundaries } : undefined;
    const get = bind((m) => m.createHistogram<A>(name, { description, unit: options.unit, advice }));
    return { record: (value, attributes, ctx) => get().record(value, attributes, ctx) };
  },
};

function meterName(): string {
  return getTelemetry()?.serviceName ?? process.env['OTEL_SERVICE_NAME'] ?? 'app';
}

function bind<T>(create: (meter: Meter) => T): () => T {
  let provider: MeterProvider | undefined;
  let instrument: T | undefined;
  return () => {
    const current = otelMetrics.getMeterProvider();
    if (instrument === undefined || current !== provider) {
      provider = current;
      instrument = create(current.getMeter(meterName()));
    }
    return instrument;
  };
}
