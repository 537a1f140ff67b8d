import {
  OdooCredentialsError,
  OdooError,
  OdooMissingRecordError,
  OdooPermissionError,
  OdooTransientError,
  OdooValidationError,
  type OdooErrorContext,
  type OdooProtocol,
} from './odoo-errors';

/** The part of an Odoo error both protocols share: JSON-RPC `error.data`, or the JSON-2 error body. */
export interface OdooErrorPayload {
  name?: unknown;
  message?: unknown;
  arguments?: unknown;
  debug?: unknown;
}

export interface MappingContext {
  protocol: OdooProtocol;
  operation?: string;
  httpStatus?: number;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly string[];
}

const MAX_MESSAGE_CHARS = 1000;

/** Postgres conflicts that succeed when simply run again. */
const CONCURRENCY_FAILURE =
  /SerializationFailure|TransactionRollbackError|DeadlockDetected|LockNotAvailable|could not serialize access|deadlock detected|concurrent update/i;

/** Exception names whose meaning does not depend on the HTTP status (JSON-2) or that have none (JSON-RPC). */
function classByName(
  name: string,
  message: string,
): ((m: string, c: OdooErrorContext) => OdooError) | undefined {
  if (CONCURRENCY_FAILURE.test(name) || CONCURRENCY_FAILURE.test(message)) {
    return (m, c) => new OdooTransientError(m, c);
  }
  switch (name) {
    case 'odoo.exceptions.AccessDenied':
    case 'odoo.http.SessionExpiredException':
      return (m, c) => new OdooCredentialsError(m, c);
    case 'odoo.exceptions.AccessError':
      return (m, c) => new OdooPermissionError(m, c);
    case 'odoo.exceptions.ValidationError':
    case 'odoo.exceptions.UserError':
    case 'odoo.exceptions.RedirectWarning':
    case 'builtins.ValueError': // a wrong field or selection value ("Wrong value for product.template.type: 'product'")
      return (m, c) => new OdooValidationError(m, c);
    case 'odoo.exceptions.MissingError':
      return (m, c) => new OdooMissingRecordError(m, c);
  }
  if (name === 'psycopg2.OperationalError' && /database .* does not exist/i.test(message)) {
    return (m, c) => new OdooCredentialsError(m, c);
  }
  if (name.startsWith('psycopg2.')) {
    // Integrity errors come back as ValidationError already; what is left are connection-level problems.
    return /IntegrityError|UniqueViolation|NotNullViolation|ForeignKeyViolation|CheckViolation|DataError/.test(
      name,
    )
      ? (m, c) => new OdooValidationError(m, c)
      : (m, c) => new OdooTransientError(m, c);
  }
  return undefined;
}

/** Maps an Odoo error (JSON-RPC `error.data` or a JSON-2 error body) to the error class callers act on. */
export function odooErrorFromPayload(
  payload: OdooErrorPayload | undefined,
  context: MappingContext,
): OdooError {
  const name = typeof payload?.name === 'string' ? payload.name : '';
  const odooText =
    cleanOdooMessage(payload?.message, context.secrets) || shortName(name) || 'Odoo reported an error';
  const errorContext: OdooErrorContext & { merchantMessage: string } = {
    odooName: name || undefined,
    httpStatus: context.httpStatus,
    protocol: context.protocol,
    operation: context.operation,
    merchantMessage: odooText,
  };
  const where = context.operation ? ` (${context.operation})` : '';
  const message = `Odoo${where}: ${odooText}`;

  const byName = name ? classByName(name, odooText) : undefined;
  if (byName) return byName(message, errorContext);
  if (context.httpStatus !== undefined && context.httpStatus !== 200) {
    return odooErrorFromStatus(context.httpStatus, context, odooText, name || undefined);
  }
  if (CONCURRENCY_FAILURE.test(odooText)) return new OdooTransientError(message, errorContext);
  // An exception we do not know (TypeError from a wrong argument, AttributeError...): a program error that a
  // retry will not fix.
  return new OdooError(message, { ...errorContext, permanent: true });
}

/** Maps an HTTP status without (or with an unrecognised) Odoo error body. */
export function odooErrorFromStatus(
  status: number,
  context: MappingContext,
  detail?: string,
  odooName?: string,
): OdooError {
  const where = context.operation ? ` (${context.operation})` : '';
  const errorContext: OdooErrorContext = {
    httpStatus: status,
    protocol: context.protocol,
    operation: context.operation,
    odooName,
  };
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) {
    return new OdooCredentialsError(`Odoo${where} rejected the API key (HTTP 401)${suffix}`, errorContext);
  }
  if (status === 403) {
    return new OdooPermissionError(`Odoo${where} refused the call (HTTP 403)${suffix}`, {
      ...errorContext,
      merchantMessage: detail ?? 'The Odoo user is not allowed to do this.',
    });
  }
  if (status === 404) {
    return new OdooMissingRecordError(
      `Odoo${where} has no such model, method or endpoint (HTTP 404)${suffix}`,
      {
        ...errorContext,
        merchantMessage: detail ?? 'Odoo does not know this model or method (is the module installed?).',
      },
    );
  }
  if (status === 422) {
    return new OdooValidationError(`Odoo${where} refused the data (HTTP 422)${suffix}`, {
      ...errorContext,
      merchantMessage: detail ?? 'Odoo refused the data.',
    });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new OdooTransientError(`Odoo${where} answered HTTP ${status}${suffix}`, errorContext);
  }
  return new OdooError(`Odoo${where} answered HTTP ${status}${suffix}`, { ...errorContext, permanent: true });
}

/** Network-level failures (no HTTP answer). All transient; the message names the cause, not the key. */
export function odooErrorFromNetwork(
  err: unknown,
  context: MappingContext & { target: string },
): OdooTransientError {
  const code =
    typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  const describe: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection closed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'DNS lookup failed temporarily',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
    UND_ERR_BODY_TIMEOUT: 'answer stalled',
  };
  const what =
    (code && describe[code]) ??
    redactSecrets(err instanceof Error ? err.message : String(err), context.secrets);
  return new OdooTransientError(
    `Odoo at ${context.target} is unreachable: ${what}${code ? ` (${code})` : ''}`,
    {
      protocol: context.protocol,
      operation: context.operation,
      cause: err,
    },
  );
}

/** Odoo's message for people: no traceback, no secrets, bounded length. */
export function cleanOdooMessage(raw: unknown, secrets: readonly string[] = []): string {
  if (typeof raw !== 'string') return '';
  const withoutTrace = raw.split(/\n?Traceback \(most recent call last\)/)[0];
  const text = redactSecrets(withoutTrace, secrets).trim();
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return secrets.reduce(
    (acc, secret) => (secret.length >= 4 ? acc.split(secret).join('[redacted]') : acc),
    text,
  );
}

function shortName(name: string): string {
  return name.split('.').pop() ?? '';
}
