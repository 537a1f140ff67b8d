import type { OdooProtocol } from './odoo-errors';

export type OdooDomain = ReadonlyArray<unknown>;
export type OdooContext = Record<string, unknown>;
export type OdooValues = Record<string, unknown>;
export type OdooRecord = Record<string, unknown> & { id: number };

/** Search context that includes archived records, which Odoo's searches leave out by default. */
export const WITH_ARCHIVED: OdooContext = { active_test: false };

export interface SearchReadOptions {
  limit?: number;
  offset?: number;
  order?: string;
  context?: OdooContext;
}

/** What both protocols offer; `OdooClient` picks one from the server's version. */
export interface OdooTransport {
  readonly protocol: OdooProtocol;
  /** The uid of the configured login/key. Throws `OdooCredentialsError` when Odoo refuses them. */
  authenticate(): Promise<number>;
  searchRead(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options: SearchReadOptions,
  ): Promise<OdooRecord[]>;
  create(model: string, valsList: readonly OdooValues[], context?: OdooContext): Promise<number[]>;
  write(model: string, ids: readonly number[], vals: OdooValues, context?: OdooContext): Promise<void>;
  /**
   * Any public method. `ids` null calls it on the model (`@api.model`), otherwise on those records.
   * `kwargs` are named arguments (and `context`). A method returning None resolves to undefined.
   */
  call(
    model: string,
    method: string,
    ids: readonly number[] | null,
    kwargs: Record<string, unknown>,
  ): Promise<unknown>;
}

export interface OdooCredentials {
  database: string;
  login: string;
  apiKey: string;
}

/** `search_read`'s optional named arguments without undefined keys (Odoo rejects `limit: null` in some versions). */
export function searchReadKwargs(
  fields: readonly string[],
  options: SearchReadOptions,
): Record<string, unknown> {
  const kwargs: Record<string, unknown> = { fields };
  if (options.limit !== undefined) kwargs.limit = options.limit;
  if (options.offset !== undefined) kwargs.offset = options.offset;
  if (options.order !== undefined) kwargs.order = options.order;
  if (options.context !== undefined) kwargs.context = options.context;
  return kwargs;
}
