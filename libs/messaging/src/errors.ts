/**
 * Thrown by a handler when retrying cannot help (the event contradicts the data, a referenced entity can never
 * exist, the store is gone...). The message is parked on the dead-letter topic at once, no retries.
 * Anything else a handler throws counts as transient and is retried with backoff, up to the attempt cap.
 */
export class PermanentError extends Error {
  /** Marker that survives a realm boundary or a copy where `instanceof` would not. */
  readonly permanent = true as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** The message value is not a valid event (bad JSON, no value, or the envelope/payload fails validation). */
export class InvalidMessageError extends PermanentError {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

export type ErrorKind = 'permanent' | 'transient';

/** Permanent: a `PermanentError` (or anything carrying `permanent: true`); every other failure is transient. */
export function classifyError(err: unknown): ErrorKind {
  if (err instanceof PermanentError) return 'permanent';
  if (typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true) {
    return 'permanent';
  }
  return 'transient';
}

/** A one-line description of whatever was thrown, for logs and the `x-dlt-reason` header. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null) {
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}
