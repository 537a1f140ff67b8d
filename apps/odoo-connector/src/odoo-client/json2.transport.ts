import { odooErrorFromPayload, odooErrorFromStatus, type OdooErrorPayload } from './odoo-error-mapping';
import { OdooCredentialsError, OdooError } from './odoo-errors';
import type { OdooHttp } from './odoo-http';
import { idsFrom } from './json-rpc.transport';
import {
  searchReadKwargs,
  type OdooContext,
  type OdooCredentials,
  type OdooDomain,
  type OdooRecord,
  type OdooTransport,
  type OdooValues,
  type SearchReadOptions,
} from './odoo-transport';

/**
 * Odoo 19+: `POST /json/2/<model>/<method>` with `Authorization: bearer <key>` and `X-Odoo-Database`, named
 * arguments only (`ids`, `vals_list`, `vals`, `domain`, `fields`, `context`...). Success is 200 with the bare
 * return value (`null` for None); errors use the HTTP status (401, 403, 404, 422, 5xx) with a body
 * `{name, message, arguments, context, debug}`. The login is not needed: the key identifies the user.
 */
export class Json2Transport implements OdooTransport {
  readonly protocol = 'json-2' as const;

  constructor(
    private readonly http: OdooHttp,
    private readonly credentials: OdooCredentials,
  ) {}

  async authenticate(): Promise<number> {
    const context = await this.invoke('res.users', 'context_get', {});
    const uid = (context as { uid?: unknown } | null)?.uid;
    if (typeof uid !== 'number') {
      throw new OdooCredentialsError(`Odoo did not say which user the API key belongs to`, {
        protocol: this.protocol,
        operation: 'res.users.context_get',
      });
    }
    return uid;
  }

  async searchRead(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options: SearchReadOptions,
  ): Promise<OdooRecord[]> {
    const result = await this.invoke(model, 'search_read', { domain, ...searchReadKwargs(fields, options) });
    return Array.isArray(result) ? (result as OdooRecord[]) : [];
  }

  async create(model: string, valsList: readonly OdooValues[], context?: OdooContext): Promise<number[]> {
    const result = await this.invoke(model, 'create', {
      vals_list: valsList,
      ...(context ? { context } : {}),
    });
    return idsFrom(result, `${model}.create`);
  }

  async write(model: string, ids: readonly number[], vals: OdooValues, context?: OdooContext): Promise<void> {
    await this.invoke(model, 'write', { ids, vals, ...(context ? { context } : {}) });
  }

  call(
    model: string,
    method: string,
    ids: readonly number[] | null,
    kwargs: Record<string, unknown>,
  ): Promise<unknown> {
    return this.invoke(model, method, ids === null ? kwargs : { ids, ...kwargs });
  }

  private async invoke(model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
    const { database, apiKey } = this.credentials;
    const context = { protocol: this.protocol, operation: `${model}.${method}`, secrets: [apiKey] };
    const answer = await this.http.postJson(
      `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
      body,
      {
        ...context,
        headers: { authorization: `bearer ${apiKey}`, 'x-odoo-database': database },
      },
    );
    if (answer.status === 200) {
      if (answer.json === undefined && answer.text) {
        throw new OdooError(`The server at ${this.http.target} did not answer like Odoo (not JSON)`, {
          permanent: true,
          protocol: this.protocol,
          operation: context.operation,
        });
      }
      return answer.json ?? undefined; // null: the method returned None
    }
    const payload = answer.json as OdooErrorPayload | undefined;
    const mapped =
      typeof payload === 'object' && payload !== null && (payload.name || payload.message)
        ? odooErrorFromPayload(payload, { ...context, httpStatus: answer.status })
        : odooErrorFromStatus(answer.status, context);
    throw mapped;
  }
}
