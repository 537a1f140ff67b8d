/**
 * A store-scoped read or write was attempted without a usable store id. Always a programming error: the
 * query would have run across every merchant's data, so it is refused before it reaches the database.
 */
export class MissingStoreScopeError extends Error {
  constructor(
    readonly operation: string,
    readonly received: unknown,
  ) {
    super(
      `${operation}: refused, a store-scoped operation needs a non-empty storeId string ` +
        `(got ${describe(received)})`,
    );
    this.name = 'MissingStoreScopeError';
  }
}

/** A filter or update tried to reach or move documents outside the store it was scoped to. */
export class StoreScopeViolationError extends Error {
  constructor(
    readonly operation: string,
    detail: string,
  ) {
    super(`${operation}: refused, ${detail}`);
    this.name = 'StoreScopeViolationError';
  }
}

/** A schema declared a TTL index. Retention is a sweep (see `sweepOlderThan`); FerretDB cannot build TTL indexes. */
export class TtlIndexNotSupportedError extends Error {
  constructor(
    readonly model: string,
    readonly index: Record<string, unknown>,
  ) {
    super(
      `model ${model}: TTL index on ${JSON.stringify(index)} is not allowed; ` +
        `drop the expires/expireAfterSeconds option and delete old documents with sweepOlderThan()`,
    );
    this.name = 'TtlIndexNotSupportedError';
  }
}

/** The schema has no indexed `storeId` path, so it cannot back a StoreScopedRepository. */
export class NotStoreScopedSchemaError extends Error {
  constructor(readonly model: string) {
    super(
      `model ${model}: schema has no indexed string path "storeId"; build it with defineStoreScopedSchema()`,
    );
    this.name = 'NotStoreScopedSchemaError';
  }
}

/** Raised by `MongoConnection.ping()` when the database is not usable (yet). */
export class PersistenceUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersistenceUnavailableError';
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : JSON.stringify(value);
  return `a ${typeof value}`;
}
