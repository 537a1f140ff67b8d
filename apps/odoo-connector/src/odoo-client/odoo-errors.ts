/**
 * Everything the Odoo client throws. `permanent: true` tells the messaging consumer to dead-letter at once
 * (libs/messaging `classifyError`); the rest are retried with backoff. Messages never contain the API key
 * (see `redactSecrets`) nor Odoo's traceback (`debug`).
 */
export type OdooProtocol = 'json-rpc' | 'json-2';

export interface OdooErrorContext {
  /** Odoo's exception name, e.g. `odoo.exceptions.ValidationError`. */
  odooName?: string;
  httpStatus?: number;
  protocol?: OdooProtocol;
  /** `model.method` that failed, when known. */
  operation?: string;
  cause?: unknown;
}

export class OdooError extends Error {
  readonly permanent: boolean;
  readonly odooName?: string;
  readonly httpStatus?: number;
  readonly protocol?: OdooProtocol;
  readonly operation?: string;
  /** What to show the merchant: plain words, no traceback. */
  readonly merchantMessage: string;

  constructor(
    message: string,
    context: OdooErrorContext & { permanent?: boolean; merchantMessage?: string } = {},
  ) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'OdooError';
    this.permanent = context.permanent ?? false;
    this.odooName = context.odooName;
    this.httpStatus = context.httpStatus;
    this.protocol = context.protocol;
    this.operation = context.operation;
    this.merchantMessage = context.merchantMessage ?? message;
  }
}

/** Bad login or API key (authenticate returned false, AccessDenied, JSON-2 401), or an unknown database. */
export class OdooCredentialsError extends OdooError {
  constructor(message: string, context: OdooErrorContext = {}) {
    super(message, { ...context, permanent: true });
    this.name = 'OdooCredentialsError';
  }
}

/** The Odoo user may not do this (AccessError, JSON-2 403, a private method). */
export class OdooPermissionError extends OdooError {
  constructor(message: string, context: OdooErrorContext & { merchantMessage?: string } = {}) {
    super(message, { ...context, permanent: true });
    this.name = 'OdooPermissionError';
  }
}

/** Odoo refused the data (ValidationError, UserError, a wrong field value, JSON-2 422). */
export class OdooValidationError extends OdooError {
  constructor(message: string, context: OdooErrorContext & { merchantMessage?: string } = {}) {
    super(message, { ...context, permanent: true });
    this.name = 'OdooValidationError';
  }
}

/** A record, model or method that does not exist (MissingError, JSON-2 404). */
export class OdooMissingRecordError extends OdooError {
  constructor(message: string, context: OdooErrorContext & { merchantMessage?: string } = {}) {
    super(message, { ...context, permanent: true });
    this.name = 'OdooMissingRecordError';
  }
}

/**
 * Worth retrying: 5xx, timeouts, connection resets, database serialization failures. A timeout or reset on a
 * write may still have been applied: callers make writes idempotent (bindings), never "retry blindly".
 */
export class OdooTransientError extends OdooError {
  constructor(message: string, context: OdooErrorContext = {}) {
    super(message, { ...context, permanent: false });
    this.name = 'OdooTransientError';
  }
}

/** The server is older than Odoo 16 (or answers no version at all). */
export class OdooUnsupportedVersionError extends OdooError {
  constructor(
    message: string,
    readonly serverVersion?: string,
  ) {
    super(message, { permanent: true });
    this.name = 'OdooUnsupportedVersionError';
  }
}

/**
 * True when Odoo refused a write because a unique index already holds the key — e.g. the
 * `ir_model_data_module_name_uniq_index` that makes a binding the idempotency lock. Odoo turns Postgres'
 * IntegrityError into a ValidationError whose message is Postgres' own text.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof OdooError)) return false;
  const text = err.merchantMessage;
  if (
    !/duplicate key value violates unique constraint/i.test(text) &&
    err.odooName !== 'psycopg2.errors.UniqueViolation'
  ) {
    return false;
  }
  return constraint === undefined || text.includes(constraint);
}
