import { createHash } from 'node:crypto';

import type { Dispatcher } from 'undici';

import { checkUrlShape, createGuardedAgent, type SsrfPolicy } from '../net';
import { sharedOdooLimiters, type LimiterRegistry } from './concurrency-limiter';
import { JsonRpcTransport } from './json-rpc.transport';
import { Json2Transport } from './json2.transport';
import { odooErrorFromPayload, odooErrorFromStatus } from './odoo-error-mapping';
import { OdooError, OdooTransientError, OdooUnsupportedVersionError, type OdooProtocol } from './odoo-errors';
import { OdooHttp } from './odoo-http';
import type {
  OdooContext,
  OdooDomain,
  OdooRecord,
  OdooTransport,
  OdooValues,
  SearchReadOptions,
} from './odoo-transport';
import { parseOdooVersion, protocolForMajor, type OdooServerVersion } from './odoo-version';
import { productTypeFields, type ProductKind } from './product-type';

export interface OdooClientOptions {
  /** The Odoo URL the merchant entered, e.g. `https://acme.odoo.com`. */
  baseUrl: string;
  database: string;
  login: string;
  /** An Odoo API key (Odoo 14+); used in place of the password. Never logged, redacted from errors. */
  apiKey: string;
  /** Skip detection: `'17.0'`, `18`, `'saas~17.2'`. */
  version?: string | number;
  /** Force a protocol (default: JSON-2 from 19 on, JSON-RPC before). */
  protocol?: OdooProtocol;
  /** Whole-exchange timeout per call (default 30 s). */
  timeoutMs?: number;
  /** Calls in flight at once per base URL + database, shared by every client in the process (default 2). */
  maxConcurrent?: number;
  /** SSRF rules (allow-list, http, resolver). The client refuses blocked targets on every connection. */
  ssrf?: SsrfPolicy;
  /** A dispatcher to share between clients. It MUST be a `createGuardedAgent` with the same policy. */
  dispatcher?: Dispatcher;
  /** Redirect hops followed (default 3; same host only). */
  maxRedirects?: number;
  /** Largest answer accepted (default 32 MiB). */
  maxResponseBytes?: number;
  /** Where the per-Odoo caps live (default: process-wide). */
  limiters?: LimiterRegistry;
  /**
   * Extra tries of a READ (version, authenticate, search_read and read-only methods) that met a transient
   * failure — 5xx, timeout, reset — after 100/200/400 ms (jittered). Default 2. Writes are never repeated here.
   */
  readRetries?: number;
}

/** Methods that change nothing, so repeating one after a lost answer is harmless. */
const READ_ONLY_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'read',
  'read_group',
  'fields_get',
  'name_search',
  'name_get',
  'default_get',
  'check_access_rights',
  'context_get',
]);

export interface CreateOptions {
  context?: OdooContext;
}

/**
 * A small typed client for Odoo 16–19 over JSON-RPC (16–18) or JSON-2 (19+), chosen from the server's
 * version. Every request goes through the SSRF-guarded agent and the per-Odoo concurrency cap.
 *
 * ```ts
 * const odoo = new OdooClient({ baseUrl, database, login, apiKey });
 * await odoo.authenticate();
 * const [id] = await odoo.create('res.partner', [{ name: 'Sara', email: 'sara@example.sa' }]);
 * const partners = await odoo.searchRead('res.partner', [['id', '=', id]], ['name', 'email']);
 * await odoo.call('sale.order', 'action_confirm', [orderId]);
 * await odoo.close();
 * ```
 */
export class OdooClient {
  /**
   * The Odoo database this client talks to (`<base URL>|<database>`): ids and bindings learnt through it hold
   * only there, so state kept about them is stamped with it.
   */
  readonly target: string;
  /** A short hash of `target`, to stamp stored state with (the URL itself is not repeated in every entry). */
  readonly stamp: string;
  private readonly http: OdooHttp;
  private readonly ownDispatcher?: Dispatcher;
  private detected?: Promise<OdooServerVersion>;
  private transportPromise?: Promise<OdooTransport>;

  constructor(private readonly options: OdooClientOptions) {
    const policy = options.ssrf ?? {};
    const baseUrl = checkUrlShape(options.baseUrl, policy);
    if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
    baseUrl.search = '';
    baseUrl.hash = '';
    const dispatcher = options.dispatcher ?? createGuardedAgent(policy);
    if (!options.dispatcher) this.ownDispatcher = dispatcher;
    this.target = `${baseUrl.origin}${baseUrl.pathname}|${options.database}`;
    this.stamp = createHash('sha256').update(this.target).digest('base64url').slice(0, 16);
    const limiterKey = this.target;
    this.http = new OdooHttp({
      baseUrl,
      dispatcher,
      policy,
      limiter: (options.limiters ?? sharedOdooLimiters).for(limiterKey, options.maxConcurrent ?? 2),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxResponseBytes: options.maxResponseBytes ?? 32 * 1024 * 1024,
      maxRedirects: options.maxRedirects ?? 3,
      secrets: [options.apiKey],
    });
  }

  /** The server's version: from `options.version`, else `POST /web/webclient/version_info` (cached). */
  version(): Promise<OdooServerVersion> {
    if (!this.detected) {
      this.detected =
        this.options.version !== undefined
          ? Promise.resolve().then(() => parseOdooVersion(this.options.version))
          : this.read(() => this.fetchVersion());
      // A failed detection (Odoo down) must not stick: the next call tries again.
      this.detected.catch(() => (this.detected = undefined));
    }
    return this.detected;
  }

  /** The protocol in use (after version detection). */
  async protocol(): Promise<OdooProtocol> {
    return (await this.transport()).protocol;
  }

  /** Checks the login and key; resolves to the user id. Throws `OdooCredentialsError` if Odoo refuses them. */
  async authenticate(): Promise<number> {
    return this.read(async () => (await this.transport()).authenticate());
  }

  async searchRead<T extends OdooRecord = OdooRecord>(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options: SearchReadOptions = {},
  ): Promise<T[]> {
    return this.read(
      async () => (await (await this.transport()).searchRead(model, domain, fields, options)) as T[],
    );
  }

  /** Creates every record in ONE call (one transaction); resolves to their ids in the same order. */
  async create(
    model: string,
    valsList: readonly OdooValues[],
    options: CreateOptions = {},
  ): Promise<number[]> {
    if (valsList.length === 0) return [];
    return (await this.transport()).create(model, valsList, options.context);
  }

  /** Writes the same values to every id in ONE call. */
  async write(
    model: string,
    ids: readonly number[],
    vals: OdooValues,
    options: CreateOptions = {},
  ): Promise<void> {
    if (ids.length === 0) return;
    await (await this.transport()).write(model, ids, vals, options.context);
  }

  /**
   * Any other public method (`action_confirm`, `action_cancel`, `unlink`, `context_get`...). `ids` null calls
   * it on the model; `kwargs` are named arguments (put `context` there). None comes back as undefined.
   */
  async call<T = unknown>(
    model: string,
    method: string,
    ids: readonly number[] | null,
    kwargs: Record<string, unknown> = {},
  ): Promise<T> {
    const once = async (): Promise<T> =>
      (await (await this.transport()).call(model, method, ids, kwargs)) as T;
    return READ_ONLY_METHODS.has(method) ? this.read(once) : once();
  }

  /** `productTypeFields` for this server's version: what to write for a storable/consumable/service product. */
  async productTypeFields(kind: ProductKind): Promise<Record<string, string | boolean>> {
    return productTypeFields(await this.version(), kind);
  }

  /** Closes the connections this client opened itself (not a shared dispatcher). */
  async close(): Promise<void> {
    await this.ownDispatcher?.close();
  }

  /**
   * A read, tried again after a transient failure: one 5xx or timeout of a busy Odoo should not send a whole
   * order back through Kafka's slower retry (and, at a 15 % failure rate, to the dead letters). Writes are not
   * repeated here — a lost answer may hide an applied write; the sync's claims handle those on redelivery.
   */
  private async read<T>(op: () => Promise<T>): Promise<T> {
    const retries = this.options.readRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!(err instanceof OdooTransientError) || attempt >= retries) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  private transport(): Promise<OdooTransport> {
    if (!this.transportPromise) {
      this.transportPromise = this.chooseTransport();
      this.transportPromise.catch(() => (this.transportPromise = undefined));
    }
    return this.transportPromise;
  }

  private async chooseTransport(): Promise<OdooTransport> {
    const { database, login, apiKey } = this.options;
    const credentials = { database, login, apiKey };
    const protocol = this.options.protocol ?? protocolForMajor((await this.version()).major);
    return protocol === 'json-2'
      ? new Json2Transport(this.http, credentials)
      : new JsonRpcTransport(this.http, credentials);
  }

  private async fetchVersion(): Promise<OdooServerVersion> {
    const context = {
      protocol: 'json-rpc' as const,
      operation: 'version_info',
      secrets: [this.options.apiKey],
    };
    const answer = await this.http.postJson(
      '/web/webclient/version_info',
      { jsonrpc: '2.0', method: 'call', params: {}, id: 0 },
      context,
    );
    const envelope = answer.json as
      { result?: unknown; error?: { data?: Record<string, unknown> } } | undefined;
    if (answer.status === 404) {
      throw new OdooUnsupportedVersionError(`The server at ${this.http.target} has no Odoo version endpoint`);
    }
    if (answer.status !== 200) throw odooErrorFromStatus(answer.status, context);
    if (envelope?.error) throw odooErrorFromPayload(envelope.error.data, context);
    if (typeof envelope?.result !== 'object' || envelope.result === null) {
      throw new OdooError(`The server at ${this.http.target} did not answer like Odoo`, { permanent: true });
    }
    return parseOdooVersion(envelope.result);
  }
}
