import { odooErrors } from './fake-odoo-error';
import type { Ctx, FakeDatabase, MethodDef, Vals } from './fake-database';

const asIds = (value: unknown): number[] => {
  if (value === undefined || value === null || value === false) return [];
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((id) => typeof id === 'number')) return value;
  throw odooErrors.value(`Expected record ids, got ${JSON.stringify(value)}`);
};

const numberOr = (value: unknown, fallback: number | null): number | null =>
  typeof value === 'number' ? value : fallback;

/** The ORM methods every model has (with Odoo's parameter names, so JSON-2 named arguments bind). */
export const COMMON_METHODS: Record<string, MethodDef> = {
  search_read: {
    kind: 'model',
    params: ['domain', 'fields', 'offset', 'limit', 'order'],
    run: (db, model, _ids, a, ctx) => {
      const ids = db.search(model, a.domain ?? [], {
        offset: numberOr(a.offset, 0) ?? 0,
        limit: numberOr(a.limit, null),
        order: typeof a.order === 'string' ? a.order : null,
        ctx,
      });
      return db.read(model, ids, (a.fields as string[] | null | undefined) ?? null);
    },
  },
  search: {
    kind: 'model',
    params: ['domain', 'offset', 'limit', 'order'],
    required: ['domain'],
    run: (db, model, _ids, a, ctx) =>
      db.search(model, a.domain, {
        offset: numberOr(a.offset, 0) ?? 0,
        limit: numberOr(a.limit, null),
        order: typeof a.order === 'string' ? a.order : null,
        ctx,
      }),
  },
  search_count: {
    kind: 'model',
    params: ['domain', 'limit'],
    required: ['domain'],
    run: (db, model, _ids, a, ctx) =>
      db.search(model, a.domain, { limit: numberOr(a.limit, null), ctx }).length,
  },
  read: {
    kind: 'records',
    params: ['fields'],
    run: (db, model, ids, a) => db.read(model, ids, (a.fields as string[] | null | undefined) ?? null),
  },
  create: {
    kind: 'model',
    params: ['vals_list'],
    required: ['vals_list'],
    // A dict creates one record and answers its id; a list answers the list of ids.
    run: (db, model, _ids, a, ctx) => {
      const single = !Array.isArray(a.vals_list);
      const ids = db.create(model, (single ? [a.vals_list] : a.vals_list) as Vals[], ctx);
      return single ? ids[0] : ids;
    },
  },
  write: {
    kind: 'records',
    params: ['vals'],
    required: ['vals'],
    run: (db, model, ids, a, ctx) => {
      db.write(model, ids, a.vals as Vals, ctx);
      return true;
    },
  },
  unlink: {
    kind: 'records',
    params: [],
    run: (db, model, ids) => {
      db.unlink(model, ids);
      return true;
    },
  },
};

export function findMethod(db: FakeDatabase, model: string, method: string): MethodDef {
  const spec = db.spec(model);
  const found = spec.methods?.[method] ?? COMMON_METHODS[method];
  if (!found) throw odooErrors.unknownMethod(model, method);
  return found;
}

export interface BoundCall {
  ids: number[];
  args: Record<string, unknown>;
  ctx: Ctx;
}

/** execute_kw's `args` (ids first for record methods) and `kwargs`, bound like Python would. */
export function bindJsonRpc(
  def: MethodDef,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): BoundCall {
  const positional = [...args];
  const ids = def.kind === 'records' ? asIds(positional.shift()) : [];
  if (positional.length > def.params.length) {
    throw odooErrors.type(
      `${method}() takes ${def.params.length + 1} positional arguments but ${positional.length + 1} were given`,
    );
  }
  const { context, ...named } = kwargs;
  const bound: Record<string, unknown> = {};
  def.params.forEach((param, index) => {
    if (index < positional.length) bound[param] = positional[index];
  });
  for (const [key, value] of Object.entries(named)) {
    if (!def.params.includes(key))
      throw odooErrors.type(`${method}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw odooErrors.type(`${method}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  requireParams(def, method, bound);
  return { ids, args: bound, ctx: (context as Ctx | undefined) ?? {} };
}

/** JSON-2's body: `ids`, `context` and the method's parameters by name. */
export function bindJson2(def: MethodDef, method: string, body: Record<string, unknown>): BoundCall {
  const { ids, context, ...named } = body;
  for (const key of Object.keys(named)) {
    if (!def.params.includes(key))
      throw odooErrors.type(`${method}() got an unexpected keyword argument '${key}'`);
  }
  requireParams(def, method, named);
  return {
    ids: def.kind === 'records' ? asIds(ids) : [],
    args: named,
    ctx: (context as Ctx | undefined) ?? {},
  };
}

function requireParams(def: MethodDef, method: string, bound: Record<string, unknown>): void {
  const missing = (def.required ?? []).filter((param) => !(param in bound));
  if (missing.length > 0) {
    throw odooErrors.type(
      `${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `'${m}'`).join(' and ')}`,
    );
  }
}
