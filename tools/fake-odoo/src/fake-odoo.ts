import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FakeDatabase, type Rec } from './fake-database';
import { fakeTraceback, FakeOdooError, odooErrors } from './fake-odoo-error';
import { FaultPlan, type HeldCall } from './faults';
import { bindJson2, bindJsonRpc, findMethod, type BoundCall } from './methods';
import { buildModels, seed, type FakeOdooStyle } from './models';
import { RandomFaults, type RandomFaultOptions, withholdAnswer } from './random-faults';

export type FakeOdooProtocol = 'json-rpc' | 'json-2';

export interface FakeOdooOptions {
  /** '16': JSON-RPC only, `type`/`detailed_type` with 'product' = storable. '19': JSON-RPC and JSON-2, `is_storable`. */
  style: FakeOdooStyle;
  /** Default: a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Database names (default `['odoo']`); each has its own data. */
  databases?: string[];
  /** Login → API key (default `{ admin: 'fake-odoo-admin-key' }`). `admin` gets uid 2, the others 3, 4... */
  apiKeys?: Record<string, string>;
  /** What `version_info` reports (default '16.0' / '19.0'), e.g. '17.0' or 'saas~17.2' with style '16'. */
  serverVersion?: string;
  /** The seeded 15% sales tax is price-included (default false). */
  taxPriceInclude?: boolean;
  /** false: the Delivery app is not installed — no `delivery.carrier` model (default true). */
  deliveryApp?: boolean;
}

export interface FakeOdooCall {
  model: string;
  method: string;
  protocol: FakeOdooProtocol;
  database: string;
  at: Date;
  /**
   * `ok`, `error` (an Odoo error answered), `crashed` (applied, then the connection was dropped) or
   * `http-error` (a bare HTTP 5xx aimed at this call with `failOn`, nothing applied).
   */
  outcome: 'ok' | 'error' | 'crashed' | 'http-error';
}

export interface FakeOdoo {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  style: FakeOdooStyle;
  serverVersion: string;
  databases: string[];
  apiKeys: Record<string, string>;
  /** Every model call in arrival order (authenticate is recorded as `common.authenticate`). */
  calls: FakeOdooCall[];
  /** How many times `model.method` was called (any outcome). */
  count(model: string, method: string): number;
  /** Calls per `model.method`. */
  counters(): Record<string, number>;
  /** Requests being handled right now, and the most there ever were at once. */
  inFlight(): number;
  maxInFlight(): number;
  /** The stored rows of a model (raw: many2one as ids), as copies. */
  records(model: string, database?: string): Rec[];
  /** Direct access to a database, to seed or inspect. */
  database(name?: string): FakeDatabase;
  /** Delay every request by `ms` (0 stops). */
  latency(ms: number): void;
  /** The next `count` RPC requests answer a bare HTTP `status` (as a crashed worker or a proxy would). */
  failNext(count: number, status?: 500 | 502 | 503 | 504): void;
  /** The next `count` RPC requests are never answered (the client's timeout must fire). */
  timeoutNext(count: number): void;
  /** Calls to `model.method` raise ValidationError(message) without applying (`times` default: until cleared). */
  validationErrorOn(model: string, method: string, message: string, times?: number): void;
  /** The next call to `model.method` is applied, then the connection is dropped without an answer. */
  crashAfter(model: string, method: string): void;
  /** The next `times` (default 1) calls to `model.method` answer a bare HTTP `status`, nothing applied. */
  failOn(model: string, method: string, status: 500 | 502 | 503 | 504, times?: number): void;
  /**
   * The next call to `model.method` waits, before anything is applied, until the hold is released: `reached`
   * resolves when it arrives. To force an interleaving of two workers' calls. `clearFaults` releases it.
   */
  holdNext(model: string, method: string): Pick<HeldCall, 'reached' | 'release'>;
  /** From now on every RPC request draws its own fault (`null` stops); the returned object counts them. */
  randomFaults(options: RandomFaultOptions | null): RandomFaults | null;
  clearFaults(): void;
  /** Forget recorded calls and the in-flight maximum. */
  resetRecording(): void;
  close(): Promise<void>;
}

/** Methods that change nothing (no transaction needed to roll them back). */
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

export async function startFakeOdoo(options: FakeOdooOptions): Promise<FakeOdoo> {
  const style = options.style;
  const serverVersion = options.serverVersion ?? `${style}.0`;
  const databaseNames = options.databases ?? ['odoo'];
  const apiKeys = options.apiKeys ?? { admin: 'fake-odoo-admin-key' };
  const users = Object.keys(apiKeys).map((login, index) => ({
    login,
    key: apiKeys[login],
    uid: login === 'admin' ? 2 : 3 + index,
  }));
  const databases = new Map<string, FakeDatabase>();
  for (const name of databaseNames) {
    const models = buildModels(style);
    if (options.deliveryApp === false) delete models['delivery.carrier'];
    const db = new FakeDatabase(name, models);
    seed(db, { users, taxPriceInclude: options.taxPriceInclude ?? false });
    databases.set(name, db);
  }
  const faults = new FaultPlan();
  let random: RandomFaults | null = null;
  const calls: FakeOdooCall[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const hanging = new Set<ServerResponse>();

  const versionInfo = () => {
    const match = /(\d+)(?:\.(\d+))?/.exec(serverVersion);
    const major = serverVersion.startsWith('saas~') ? `saas~${match?.[1]}` : Number(match?.[1] ?? style);
    return {
      server_version: serverVersion,
      server_version_info: [major, Number(match?.[2] ?? 0), 0, 'final', 0, ''],
      server_serie: serverVersion.replace(/\+e$/, ''),
      protocol_version: 1,
    };
  };

  /** Runs one model method as one transaction: rolled back entirely if it raises. */
  const execute = (
    res: ServerResponse,
    protocol: FakeOdooProtocol,
    db: FakeDatabase,
    uid: number,
    model: string,
    method: string,
    bind: (def: ReturnType<typeof findMethod>) => BoundCall,
  ): { value: unknown; crashed: boolean } => {
    const call: FakeOdooCall = {
      model,
      method,
      protocol,
      database: db.name,
      at: new Date(),
      outcome: 'error',
    };
    calls.push(call);
    if (method.startsWith('_')) {
      throw odooErrors.accessError(`Private methods (such as '${method}') cannot be called remotely.`);
    }
    if (protocol === 'json-rpc' && !(model in db.models)) throw odooErrors.noSuchObject(model);
    const def = findMethod(db, model, method);
    const bound = bind(def);
    const planned = faults.takeValidationError(model, method);
    if (planned !== undefined) throw odooErrors.validation(planned);
    // One call = one transaction; a method that only reads has nothing to roll back.
    const writes = !READ_ONLY_METHODS.has(method);
    if (writes) db.begin();
    db.uid = uid;
    let value: unknown;
    try {
      value = def.run(db, model, bound.ids, bound.args, bound.ctx);
    } catch (err) {
      if (writes) db.rollback();
      throw err;
    }
    if (writes) db.commit();
    const crashed = faults.takeCrash(model, method);
    call.outcome = crashed ? 'crashed' : 'ok';
    if (crashed) res.socket?.destroy();
    return { value, crashed };
  };

  const jsonRpc = (res: ServerResponse, payload: Record<string, unknown>): void => {
    const id = payload.id ?? null;
    const send = (body: Record<string, unknown>) => json(res, 200, { jsonrpc: '2.0', id, ...body });
    try {
      const params = (payload.params ?? {}) as { service?: string; method?: string; args?: unknown[] };
      const args = params.args ?? [];
      if (params.service === 'common' && (params.method === 'authenticate' || params.method === 'login')) {
        const [dbName, login, key] = args as [string, string, string];
        calls.push({
          model: 'common',
          method: 'authenticate',
          protocol: 'json-rpc',
          database: dbName,
          at: new Date(),
          outcome: 'ok',
        });
        if (!databases.has(dbName)) throw odooErrors.unknownDatabase(dbName);
        const user = users.find((u) => u.login === login && u.key === key);
        return send({ result: user ? user.uid : false });
      }
      if (params.service === 'common' && params.method === 'version') return send({ result: versionInfo() });
      if (params.service === 'db' && params.method === 'list') return send({ result: [...databases.keys()] });
      if (params.service === 'object' && params.method === 'execute_kw') {
        const [dbName, uid, key, model, method, callArgs = [], kwargs = {}] = args as [
          string,
          number,
          string,
          string,
          string,
          unknown[]?,
          Record<string, unknown>?,
        ];
        const db = databases.get(dbName);
        if (!db) throw odooErrors.unknownDatabase(dbName);
        if (!users.some((u) => u.uid === uid && u.key === key)) throw odooErrors.accessDenied();
        const { value, crashed } = execute(res, 'json-rpc', db, uid, model, method, (def) =>
          bindJsonRpc(def, method, callArgs, kwargs),
        );
        if (!crashed) send({ result: value }); // undefined (None) → no `result` key at all
        return;
      }
      throw new FakeOdooError(
        'builtins.Exception',
        `No such service/method ${params.service}.${params.method}`,
        404,
      );
    } catch (err) {
      const error = asOdooError(err);
      send({
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: {
            name: error.odooName,
            debug: fakeTraceback(error),
            message: error.message,
            arguments: [error.message],
            context: {},
          },
        },
      });
    }
  };

  const json2 = (
    req: IncomingMessage,
    res: ServerResponse,
    model: string,
    method: string,
    body: unknown,
  ): void => {
    try {
      const key = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
      const user = users.find((u) => u.key === key);
      if (!user) throw new FakeOdooError('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401);
      const header = req.headers['x-odoo-database'];
      const dbName =
        typeof header === 'string' ? header : databases.size === 1 ? [...databases.keys()][0] : undefined;
      const db = dbName === undefined ? undefined : databases.get(dbName);
      if (!db)
        throw new FakeOdooError('werkzeug.exceptions.NotFound', 'Database not found (X-Odoo-Database)', 404);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new FakeOdooError(
          'werkzeug.exceptions.BadRequest',
          'The request body must be a JSON object',
          400,
        );
      }
      const { value, crashed } = execute(res, 'json-2', db, user.uid, model, method, (def) =>
        bindJson2(def, method, body as Record<string, unknown>),
      );
      if (!crashed) json(res, 200, value === undefined ? null : value);
    } catch (err) {
      const error = asOdooError(err);
      json(res, error.json2Status, {
        name: error.odooName,
        message: error.message,
        arguments: [error.message],
        context: {},
        debug: fakeTraceback(error),
      });
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (req.method === 'POST' && path === '/web/webclient/version_info') {
      return json(res, 200, { jsonrpc: '2.0', id: parse(raw)?.id ?? null, result: versionInfo() });
    }
    const json2Route = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
    const isRpc = req.method === 'POST' && (path === '/jsonrpc' || (json2Route !== null && style === '19'));
    if (!isRpc) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      return;
    }
    const drawn = random?.draw();
    if (drawn?.kind === 'timeout' && drawn.applied) {
      hanging.add(res); // applied below, but the answer is thrown away
      res.on('close', () => hanging.delete(res));
      withholdAnswer(res);
    } else if (drawn?.kind === 'timeout' || (!drawn && faults.timeouts > 0)) {
      if (!drawn) faults.timeouts--;
      hanging.add(res); // never answered; released when the client gives up or the fake closes
      res.on('close', () => hanging.delete(res));
      return;
    }
    const payload = parse(raw);
    const target = rpcTarget(json2Route, payload);
    const hold = target && faults.takeHold(target.model, target.method);
    if (hold) {
      hold.arrive();
      await hold.released;
    }
    const aimed = target && faults.takeHttpFailure(target.model, target.method);
    if (target && aimed !== undefined) {
      calls.push({
        ...target,
        protocol: json2Route ? 'json-2' : 'json-rpc',
        database: '',
        at: new Date(),
        outcome: 'http-error',
      });
    }
    const failure = drawn?.kind === 'http-5xx' ? drawn.status : (faults.failures.shift() ?? aimed);
    if (failure !== undefined) {
      res
        .writeHead(failure, { 'content-type': 'text/html' })
        .end(`<html><body><h1>${failure} Server Error</h1></body></html>`);
      return;
    }
    if (json2Route)
      return json2(req, res, decodeURIComponent(json2Route[1]), decodeURIComponent(json2Route[2]), payload);
    if (!payload || typeof payload !== 'object') {
      return json(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    return jsonRpc(res, payload);
  };

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const databaseNamed = (name?: string): FakeDatabase => {
    const db = databases.get(name ?? databaseNames[0]);
    if (!db) throw new Error(`fake Odoo has no database ${name}`);
    return db;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    style,
    serverVersion,
    databases: [...databaseNames],
    apiKeys: { ...apiKeys },
    calls,
    count: (model, method) => calls.filter((c) => c.model === model && c.method === method).length,
    counters: () =>
      calls.reduce<Record<string, number>>((acc, c) => {
        acc[`${c.model}.${c.method}`] = (acc[`${c.model}.${c.method}`] ?? 0) + 1;
        return acc;
      }, {}),
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    records: (model, database) => databaseNamed(database).rows(model),
    database: databaseNamed,
    latency: (ms) => {
      faults.latencyMs = ms;
    },
    failNext: (count, status = 500) => faults.failNext(count, status),
    timeoutNext: (count) => {
      faults.timeouts += count;
    },
    validationErrorOn: (model, method, message, times) =>
      faults.validationErrorOn(model, method, message, times),
    crashAfter: (model, method) => faults.crashAfter(model, method),
    failOn: (model, method, status, times) => faults.failOn(model, method, status, times),
    holdNext: (model, method) => faults.holdNext(model, method),
    randomFaults: (options) => (random = options ? new RandomFaults(options) : null),
    clearFaults: () => {
      faults.clear();
      random = null;
    },
    resetRecording: () => {
      calls.length = 0;
      maxInFlight = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** The model and method an RPC request calls (JSON-2 path, or execute_kw's arguments), if it names one. */
function rpcTarget(
  json2Route: RegExpExecArray | null,
  payload: Record<string, unknown> | undefined,
): { model: string; method: string } | undefined {
  if (json2Route)
    return { model: decodeURIComponent(json2Route[1]), method: decodeURIComponent(json2Route[2]) };
  const params = payload?.params as { method?: string; args?: unknown[] } | undefined;
  if (params?.method !== 'execute_kw' || !Array.isArray(params.args)) return undefined;
  const [, , , model, method] = params.args;
  return typeof model === 'string' && typeof method === 'string' ? { model, method } : undefined;
}

function parse(raw: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function asOdooError(err: unknown): FakeOdooError {
  if (err instanceof FakeOdooError) return err;
  // A bug in the fake itself: surface it like Odoo surfaces an unexpected exception.
  return new FakeOdooError('builtins.RuntimeError', err instanceof Error ? err.message : String(err), 500);
}
