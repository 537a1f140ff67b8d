/**
 * Why a Salla API call failed. Every error says whether trying again later can help:
 * - `transient: true` — rate limited, abuse-blocked for a while, Salla unavailable or slow. The messaging
 *   layer retries the message with backoff.
 * - `permanent: true` — Salla answered and said no (validation, not found, forbidden, token refused). The
 *   messaging lib's `classifyError` reads this marker and dead-letters the message at once.
 *
 * Messages name the method, the templated route and Salla's own error text; never a token or a header.
 */
export interface SallaApiErrorDetails {
  /** HTTP status Salla answered; undefined when no answer arrived (timeout, connection reset). */
  status?: number;
  /** Salla's `error.code` (e.g. `"Unauthorized"`, `"error"`), when it sent one. */
  code?: string;
  /** Salla's `error.fields`, verbatim: field path → messages, for the merchant-facing explanation. */
  fields?: Record<string, string[]>;
  method?: string;
  /** Templated route, e.g. `/orders/:id`. */
  route?: string;
  cause?: unknown;
}

export class SallaApiError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly fields: Record<string, string[]> | undefined;
  readonly method: string | undefined;
  readonly route: string | undefined;
  /** Trying again later may succeed. */
  readonly transient: boolean;
  /** Read by `classifyError` (libs/messaging): `true` sends the message straight to its dead-letter topic. */
  readonly permanent: boolean;

  constructor(message: string, details: SallaApiErrorDetails & { transient: boolean }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SallaApiError';
    this.status = details.status;
    this.code = details.code;
    this.fields = details.fields;
    this.method = details.method;
    this.route = details.route;
    this.transient = details.transient;
    this.permanent = !details.transient;
  }
}

/** 422: Salla refused the payload; `fields` says which field and why. */
export class SallaValidationError extends SallaApiError {
  constructor(message: string, details: SallaApiErrorDetails) {
    super(message, { ...details, transient: false });
    this.name = 'SallaValidationError';
  }
}

/** 404: the resource does not exist (any more) in this store. */
export class SallaNotFoundError extends SallaApiError {
  constructor(message: string, details: SallaApiErrorDetails) {
    super(message, { ...details, transient: false });
    this.name = 'SallaNotFoundError';
  }
}

/** 401 again after a renewed token: the merchant must reauthorize the app. */
export class SallaUnauthorizedError extends SallaApiError {
  constructor(message: string, details: SallaApiErrorDetails) {
    super(message, { ...details, transient: false });
    this.name = 'SallaUnauthorizedError';
  }
}

/** 403 that is not an abuse block, e.g. the app lacks the scope this endpoint needs. */
export class SallaForbiddenError extends SallaApiError {
  constructor(message: string, details: SallaApiErrorDetails) {
    super(message, { ...details, transient: false });
    this.name = 'SallaForbiddenError';
  }
}

/** Salla kept answering 429 after the client waited as told. */
export class SallaRateLimitedError extends SallaApiError {
  constructor(
    message: string,
    details: SallaApiErrorDetails,
    /** How long Salla last asked to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message, { ...details, transient: true });
    this.name = 'SallaRateLimitedError';
  }
}

/**
 * Salla blocked this store's calls for abuse (a temporary 403). The client pauses the store and fails every
 * call for it until `blockedUntil`, so the block is not prolonged by more requests.
 */
export class SallaAbuseBlockedError extends SallaApiError {
  constructor(
    message: string,
    details: SallaApiErrorDetails,
    /** Epoch ms until which this client sends nothing for the store. */
    readonly blockedUntil: number,
  ) {
    super(message, { ...details, transient: true });
    this.name = 'SallaAbuseBlockedError';
  }
}

/** 5xx, timeout or connection failure, still so after the retries (or not retried: a non-idempotent write). */
export class SallaUnavailableError extends SallaApiError {
  constructor(message: string, details: SallaApiErrorDetails) {
    super(message, { ...details, transient: true });
    this.name = 'SallaUnavailableError';
  }
}
