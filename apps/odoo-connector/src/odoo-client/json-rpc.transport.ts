import { odooErrorFromPayload, odooErrorFromStatus, type OdooErrorPayload } from './odoo-error-mapping';
import { OdooCredentialsError, OdooError } from './odoo-errors';
import type { OdooHttp } from './odoo-http';
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

interface JsonRpcEnvelope {
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: OdooErrorPayload };
}

/**
 * Odoo 16–18: `POST /jsonrpc` with `common.authenticate` and `object.execute_kw`. Odoo answers errors with
 * HTTP 200 and an `error` member; a method that returns None answers with no `result` at all — success.
 * Positional arguments where Odoo's `call_kw` needs them (create's `vals_list`, write's `ids, vals`).
 */
export class JsonRpcTransport implements OdooTransport {
  readonly protocol = 'json-rpc' as const;
  private uid: number | undefined;
  private nextId = 1;

  constructor(
    private readonly http: OdooHttp,
    private readonly credentials: OdooCredentials,
  ) {}

  async authenticate(): Promise<number> {
    const { database, login, apiKey } = this.credentials;
    const uid = await this.rpc(
      'common',
      'authenticate',
      [database, login, apiKey, {}],
      'common.authenticate',
    );
    if (typeof uid !== 'number' || uid <= 0) {
      this.uid = undefined;
      throw new OdooCredentialsError(
        `Odoo refused the login "${login}" and API key for database "${database}"`,
        {
          protocol: this.protocol,
          operation: 'common.authenticate',
        },
      );
    }
    this.uid = uid;
    return uid;
  }

  async searchRead(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options: SearchReadOptions,
  ): Promise<OdooRecord[]> {
    const result = await this.executeKw(model, 'search_read', [domain], searchReadKwargs(fields, options));
    return Array.isArray(result) ? (result as OdooRecord[]) : [];
  }

  async create(model: string, valsList: readonly OdooValues[], context?: OdooContext): Promise<number[]> {
    const result = await this.executeKw(model, 'create', [valsList], context ? { context } : {});
    return idsFrom(result, `${model}.create`);
  }

  async write(model: string, ids: readonly number[], vals: OdooValues, context?: OdooContext): Promise<void> {
    await this.executeKw(model, 'write', [ids, vals], context ? { context } : {});
  }

  call(
    model: string,
    method: string,
    ids: readonly number[] | null,
    kwargs: Record<string, unknown>,
  ): Promise<unknown> {
    return this.executeKw(model, method, ids === null ? [] : [ids], kwargs);
  }

  private async executeKw(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<unknown> {
    const uid = this.uid ?? (await this.authenticate());
    const { database, apiKey } = this.credentials;
    try {
      return await this.rpc(
        'object',
        'execute_kw',
        [database, uid, apiKey, model, method, args, kwargs],
        `${model}.${method}`,
      );
    } catch (err) {
      // A key revoked or expired since authenticate: forget the uid so the next call re-authenticates.
      if (err instanceof OdooCredentialsError) this.uid = undefined;
      throw err;
    }
  }

  private async rpc(service: string, method: string, args: unknown[], operation: string): Promise<unknown> {
    const context = { protocol: this.protocol, operation, secrets: [this.credentials.apiKey] };
    const answer = await this.http.postJson(
      '/jsonrpc',
      { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: this.nextId++ },
      context,
    );
    const envelope = answer.json as JsonRpcEnvelope | undefined;
    if (answer.status !== 200) {
      throw envelope?.error?.data
        ? odooErrorFromPayload(envelope.error.data, { ...context, httpStatus: answer.status })
        : odooErrorFromStatus(answer.status, context);
    }
    if (typeof envelope !== 'object' || envelope === null) {
      throw new OdooError(`The server at ${this.http.target} did not answer like Odoo (not JSON-RPC)`, {
        permanent: true,
        protocol: this.protocol,
        operation,
      });
    }
    if (envelope.error) {
      throw odooErrorFromPayload(envelope.error.data ?? { message: envelope.error.message }, context);
    }
    return envelope.result; // absent when the method returned None: success
  }
}

export function idsFrom(result: unknown, operation: string): number[] {
  if (typeof result === 'number') return [result];
  if (Array.isArray(result) && result.every((id): id is number => typeof id === 'number')) return result;
  throw new OdooError(
    `Odoo (${operation}) answered ${String(JSON.stringify(result) ?? 'nothing').slice(0, 80)} instead of record ids`,
    {
      permanent: true,
      operation,
    },
  );
}
