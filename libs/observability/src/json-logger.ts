import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';

import { redact } from './redact';
import { currentStoreId } from './store-context';
import { getTelemetry } from './telemetry';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Extra structured fields of a log line. `storeId` here wins over the one from `withStoreContext`. */
export type LogFields = Record<string, unknown>;

export interface JsonLoggerOptions {
  /** Defaults to the telemetry service name, then OTEL_SERVICE_NAME. */
  service?: string;
  /** Lowest level written; defaults to LOG_LEVEL, then `info`. */
  level?: LogLevelName;
  /** Default `context` when Nest does not pass one. */
  context?: string;
  /** Fields written on every line of this logger. */
  fields?: LogFields;
  /** Where a finished line (JSON + "\n") goes; defaults to process.stdout. */
  write?: (line: string) => void;
}

const SEVERITY: Record<LogLevelName, number> = {
  fatal: 60,
  error: 50,
  warn: 40,
  info: 30,
  debug: 20,
  trace: 10,
};
const FROM_NEST: Record<NestLogLevel, LogLevelName> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};
const RESERVED = new Set(['time', 'level', 'service', 'context', 'msg', 'traceId', 'spanId']);
const STACK_FORMAT = /^(.)+\n\s+at .+:\d+:\d+/;

/** Parses LOG_LEVEL-style text; unknown values give `fallback`. */
export function parseLogLevel(value: string | undefined, fallback: LogLevelName = 'info'): LogLevelName {
  const v = value?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v ?? '') ? (v as LogLevelName) : fallback;
}

/**
 * Nest `LoggerService` writing one JSON object per line:
 * `{"time","level","service","context","msg","storeId","traceId","spanId",...fields,"err":{name,message,stack}}`.
 * Every line goes through {@link redact}, so secrets never reach stdout whatever a caller passes.
 *
 * Accepts Nest's calling conventions (`log(msg, context)`, `error(msg, stack, context)`) and structured
 * ones: a plain object among the arguments adds fields, an Error becomes `err`, and the message itself
 * may be an object (`{ msg, ...fields }`) or an Error.
 */
export class JsonLogger implements LoggerService {
  private readonly service: string;
  private readonly context: string | undefined;
  private readonly fields: LogFields;
  private readonly out: (line: string) => void;
  private threshold: number;

  constructor(options: JsonLoggerOptions = {}) {
    this.service =
      options.service ?? getTelemetry()?.serviceName ?? process.env['OTEL_SERVICE_NAME'] ?? 'app';
    this.context = options.context;
    this.fields = options.fields ?? {};
    this.out = options.write ?? ((line) => void process.stdout.write(line));
    this.threshold = SEVERITY[options.level ?? parseLogLevel(process.env['LOG_LEVEL'])];
  }

  /** A logger with a fixed context and extra fields, writing where this one does, at its current level. */
  child(context: string, fields: LogFields = {}): JsonLogger {
    const child = new JsonLogger({
      service: this.service,
      context,
      fields: { ...this.fields, ...fields },
      write: this.out,
    });
    child.threshold = this.threshold;
    return child;
  }

  isLevelEnabled(level: LogLevelName): boolean {
    return SEVERITY[level] >= this.threshold;
  }

  setLevel(level: LogLevelName): void {
    this.threshold = SEVERITY[level];
  }

  /** Nest hook (`app.useLogger`, `logger: [...]`): the lowest enabled level becomes the threshold. */
  setLogLevels(levels: NestLogLevel[]): void {
    const severities = levels.map((l) => SEVERITY[FROM_NEST[l]]);
    this.threshold = severities.length === 0 ? Infinity : Math.min(...severities);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params, false);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params, false);
  }
  info(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params, false);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params, false);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params, false);
  }
  trace(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params, false);
  }

  private write(level: LogLevelName, message: unknown, params: unknown[], mayHaveStack: boolean): void {
    if (!this.isLevelEnabled(level)) return;
    const { context, stack, rest } = splitNestParams(params, this.context, mayHaveStack);

    let msg = '';
    let err: unknown;
    const fields: LogFields = { ...this.fields };
    const extra: unknown[] = [];
    const take = (value: unknown, isMessage: boolean): void => {
      if (value instanceof Error) {
        err ??= value;
        if (isMessage) msg = value.message;
      } else if (isPlainObject(value)) {
        const { msg: m, message: mm, ...more } = value;
        if (isMessage) msg = stringify(m ?? mm ?? '');
        else if (m !== undefined || mm !== undefined) more['message'] = m ?? mm;
        Object.assign(fields, more);
      } else if (isMessage) {
        msg = stringify(value);
      } else if (value !== undefined) {
        extra.push(value);
      }
    };
    take(message, true);
    for (const p of rest) take(p, false);
    if (extra.length > 0) fields['args'] = extra;
    if (err === undefined && stack !== undefined) err = { stack };

    const record: Record<string, unknown> = { time: new Date().toISOString(), level, service: this.service };
    if (context !== undefined) record['context'] = context;
    record['msg'] = msg;
    const storeId = fields['storeId'] ?? currentStoreId();
    if (storeId !== undefined && storeId !== null) record['storeId'] = stringify(storeId);
    const span = trace.getActiveSpan()?.spanContext();
    if (span && isSpanContextValid(span)) {
      record['traceId'] = span.traceId;
      record['spanId'] = span.spanId;
    }
    for (const [k, v] of Object.entries(fields)) {
      if (k !== 'storeId' && !RESERVED.has(k)) record[k] = v;
    }
    if (err !== undefined) record['err'] = err;

    let line: string;
    try {
      line = JSON.stringify(redact(record));
    } catch (e) {
      line = JSON.stringify({
        time: record['time'],
        level,
        service: this.service,
        msg: 'unserialisable log line',
        e: String(e),
      });
    }
    this.out(line + '\n');
  }
}

/** Nest's conventions: a trailing string is the context; for errors, a stack-shaped string is the stack. */
function splitNestParams(
  params: unknown[],
  defaultContext: string | undefined,
  mayHaveStack: boolean,
): { context: string | undefined; stack: string | undefined; rest: unknown[] } {
  const rest = [...params];
  let context = defaultContext;
  let stack: string | undefined;
  if (mayHaveStack && rest.length === 1 && typeof rest[0] === 'string' && STACK_FORMAT.test(rest[0])) {
    return { context, stack: rest[0], rest: [] };
  }
  if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') context = rest.pop() as string;
  if (mayHaveStack && rest.length > 0) {
    const last = rest[rest.length - 1];
    if (typeof last === 'string' || (last === undefined && rest.length === 1)) {
      stack = rest.pop() as string | undefined;
    }
  }
  return { context, stack, rest };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

function stringify(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'undefined':
      return '';
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    default:
      return value === null ? '' : JSON.stringify(redact(value));
  }
}
