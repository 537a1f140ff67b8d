/** Supplied by token custody (another part of the connector builds it). Holds secrets: never log its answers. */
export interface SallaAccessTokens {
  /** Current access token; throws an error with `permanent: true` (e.g. StoreNotCallableError) when the store is uninstalled or needs reauthorization. */
  accessTokenFor(storeId: string): Promise<string>;
  /** Called once after a 401 with the refused token: returns a fresh token (refreshing if needed) or throws. */
  renewAfterUnauthorized(storeId: string, refusedToken: string): Promise<string>;
}

/** Supplied by the store registry; undefined = unknown plan (treat as the slowest, 120/min). */
export interface StorePlans {
  planOf(storeId: string): Promise<string | undefined>;
}

/**
 * `live`: webhook re-reads and commands, someone is waiting on them — may use the whole budget and goes first.
 * `bulk`: backfills and reconciliations — may use only part of the budget, so live work always finds room.
 */
export type SallaRequestPriority = 'live' | 'bulk';

/** Salla's `pagination` object, normalised (Salla writes camelCase; snake_case is accepted too). */
export interface SallaPagination {
  count: number;
  total: number;
  perPage: number;
  currentPage: number;
  totalPages: number;
}

/** One successful answer: the envelope's `data`, its pagination when paged, and the HTTP status. */
export interface SallaResponse<T> {
  data: T;
  pagination?: SallaPagination;
  status: number;
}

/** One page of a paged listing; `page` is what a backfill checkpoints once it has handled `items`. */
export interface SallaPage<T> {
  items: T[];
  page: number;
  totalPages: number;
  total: number;
  perPage: number;
}

export type SallaQueryValue = string | number | boolean | undefined | ReadonlyArray<string | number>;

/**
 * Query parameters. `undefined` values are left out; an array repeats the key once per value, so Salla's
 * list filters are written with their brackets: `{ 'status[]': [1, 2] }`.
 */
export type SallaQuery = Record<string, SallaQueryValue>;

export interface SallaRequestOptions {
  priority?: SallaRequestPriority;
  /**
   * `false` for a write that must not run twice (e.g. a quantity `increment`): a timeout, a dropped
   * connection or a 5xx after the request was sent then fails at once instead of being retried, because
   * Salla may have applied it. Defaults to `true`.
   */
  idempotent?: boolean;
}

export interface SallaGetOptions extends SallaRequestOptions {
  query?: SallaQuery;
}

export interface SallaPaginateOptions {
  query?: SallaQuery;
  /** Items per page, at most 60 (Salla's documented ceiling); default 60. */
  perPage?: number;
  /** First page to fetch (1-based), e.g. the page after a backfill's checkpoint; default 1. */
  startPage?: number;
  priority?: SallaRequestPriority;
}

/** Where the client writes its few log lines; `JsonLogger` fits. Fields never include tokens. */
export interface SallaApiLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}
