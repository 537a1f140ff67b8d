import type { SallaPagination } from './salla-api.types';

/**
 * Reading Salla's answers. Success: `{ status, success: true, data, pagination? }`; some endpoints answer the
 * bare object instead, which then is the data. Error: `{ status, success: false, error: { code, message,
 * fields } }`; older or OAuth-style answers carry `{ error: "code", error_description }` or a Laravel-style
 * `{ message, errors: { field: [...] } }`. A body that is not JSON (a proxy's HTML page, an empty 202) is
 * tolerated everywhere.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The JSON value of a body, or undefined when it is empty or not JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** True for Salla's wrapped envelope (as opposed to a bare resource). */
function isEnvelope(body: unknown): body is Json {
  return isObject(body) && typeof body.success === 'boolean' && ('data' in body || 'error' in body);
}

/** `data` (and `pagination`) of a 2xx answer. */
export function readSuccess(body: unknown): { data: unknown; pagination?: SallaPagination } {
  if (!isEnvelope(body)) return { data: body };
  return { data: body.data, pagination: parsePagination(body.pagination) };
}

/**
 * A 2xx answer that nevertheless reports a failure in its envelope (`success: false` with an error status);
 * the status it reports, or undefined for a genuine success.
 */
export function failureStatusIn(body: unknown): number | undefined {
  if (!isEnvelope(body) || body.success !== false) return undefined;
  const status = toInt(body.status);
  return status !== undefined && status >= 400 ? status : undefined;
}

export interface SallaErrorInfo {
  code?: string;
  message?: string;
  fields?: Record<string, string[]>;
}

/** What an error answer says, from whichever shape it has. */
export function readError(body: unknown): SallaErrorInfo {
  if (!isObject(body)) return {};
  const error = body.error;
  if (isObject(error)) {
    return {
      code: text(error.code),
      message: text(error.message) ?? text(body.message),
      fields: readFields(error.fields),
    };
  }
  return {
    code: text(error),
    message: text(body.error_description) ?? text(body.message),
    fields: readFields(body.errors),
  };
}

/**
 * `fields` kept as Salla sent them (path → messages); a single message string becomes a one-item list so
 * callers can rely on arrays. Anything that is not a string is dropped.
 */
function readFields(raw: unknown): Record<string, string[]> | undefined {
  if (!isObject(raw)) return undefined;
  const fields: Record<string, string[]> = {};
  for (const [path, value] of Object.entries(raw)) {
    const messages = Array.isArray(value) ? value : [value];
    const strings = messages.filter((m): m is string => typeof m === 'string');
    if (strings.length > 0) fields[path] = strings;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Salla's `pagination` object (camelCase; snake_case accepted), or undefined when absent or unusable. */
export function parsePagination(raw: unknown): SallaPagination | undefined {
  if (!isObject(raw)) return undefined;
  const currentPage = toInt(raw.currentPage ?? raw.current_page);
  const totalPages = toInt(raw.totalPages ?? raw.total_pages ?? raw.last_page);
  if (currentPage === undefined || totalPages === undefined) return undefined;
  return {
    count: toInt(raw.count) ?? 0,
    total: toInt(raw.total) ?? 0,
    perPage: toInt(raw.perPage ?? raw.per_page) ?? 0,
    currentPage,
    totalPages,
  };
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** A short, printable text value (Salla's messages are short; a long body is not a message). */
function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  if (trimmed === '') return undefined;
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}
