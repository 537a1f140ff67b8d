import { matchesDomain } from './domain';
import { odooErrors } from './fake-odoo-error';

export type Rec = Record<string, unknown> & { id: number };
export type Vals = Record<string, unknown>;
export type Ctx = Record<string, unknown>;

interface FieldBase {
  required?: boolean;
  /** Value when create does not give one (a function sees the other values). */
  /** A value, or a function computing it from the new record's values. */
  default?: unknown;
  /** Computed at read time; not stored. */
  compute?: (db: FakeDatabase, record: Rec) => unknown;
  /** Makes a computed field writable (Odoo's `inverse=`): called with the written value. */
  setter?: (db: FakeDatabase, record: Rec, value: unknown, ctx: Ctx) => void;
}

export type FieldSpec = FieldBase &
  (
    | { type: 'char' | 'text' | 'date' | 'datetime' }
    | { type: 'integer' | 'float' }
    | { type: 'boolean' }
    | { type: 'selection'; options: readonly string[] }
    | { type: 'many2one'; relation: string }
    | { type: 'one2many'; relation: string; inverse: string }
    | { type: 'many2many'; relation: string }
  );

export interface MethodDef {
  /** `model`: called on the model (`@api.model`); `records`: on `ids`. */
  kind: 'model' | 'records';
  /** Named parameters in positional order (after `ids` for record methods). */
  params: readonly string[];
  required?: readonly string[];
  run(db: FakeDatabase, model: string, ids: number[], args: Record<string, unknown>, ctx: Ctx): unknown;
}

export interface ModelSpec {
  description: string;
  fields: Record<string, FieldSpec>;
  /** Odoo's `_inherits`: fields not declared here live on the parent record (product.product → template). */
  delegate?: { field: string; model: string };
  order?: string;
  displayName?(db: FakeDatabase, record: Rec): string;
  /** Replaces the generic create (stock.quant's inventory mode updates an existing quant instead). */
  create?(db: FakeDatabase, valsList: Vals[], ctx: Ctx): number[];
  /** Adjusts values before they are stored (defaults that depend on other values, version rules). */
  prepare?(db: FakeDatabase, vals: Vals, ctx: Ctx, existing?: Rec): Vals;
  afterCreate?(db: FakeDatabase, record: Rec, vals: Vals, ctx: Ctx): void;
  /** Side effects of a write on other records (an archived template archives its variants). */
  afterWrite?(db: FakeDatabase, ids: number[], vals: Vals, ctx: Ctx): void;
  /** Checked after create and write, like Python constraints and unique indexes. */
  check?(db: FakeDatabase, ids: number[]): void;
  methods?: Record<string, MethodDef>;
}

const AUTO_FIELDS = ['id', 'create_date', 'write_date', 'create_uid', 'write_uid', 'display_name'];

/** Odoo's datetime text, UTC: `2024-05-01 10:00:00`. */
export function odooNow(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * A tiny in-memory ORM with Odoo's semantics where the connector can notice them: x2many commands, many2one
 * read as `[id, name]`, `false` for empty values, archived records hidden from searches, required fields,
 * invalid field/selection values as ValueError, and missing records as MissingError.
 */
export class FakeDatabase {
  private readonly tables = new Map<string, Map<number, Rec>>();
  private readonly sequences = new Map<string, number>();
  /**
   * Rows as they were before the current call changed them (undefined: the call created it), per model;
   * undefined outside a call. See `begin`.
   */
  private journal: Map<string, Map<number, Rec | undefined>> | undefined;
  /** Ids of the rows changed, per model, in order: `where`'s indexes catch up from the last entry they saw. */
  private readonly changes = new Map<string, number[]>();
  private readonly indexes = new Map<string, FieldIndex>();
  /** The user running the current call (for messages and create_uid). */
  uid = 2;

  constructor(
    readonly name: string,
    readonly models: Record<string, ModelSpec>,
  ) {
    for (const model of Object.keys(models)) this.tables.set(model, new Map());
  }

  /**
   * Starts one call's transaction. A row is copied the first time the call creates, changes or deletes it,
   * so a rollback costs what the call wrote: copying whole tables (even per table touched) made every call
   * slower as the fake filled up — at 5,000 products the fake Odoo, not the connector, set a backfill's pace.
   */
  begin(): void {
    this.journal = new Map();
  }

  commit(): void {
    this.journal = undefined;
  }

  /** Puts back every row the call created, changed or deleted (sequences are not rolled back, as Postgres'
   * are not). */
  rollback(): void {
    for (const [model, rows] of this.journal ?? []) {
      const table = this.table(model);
      for (const [id, before] of rows) {
        if (before === undefined) table.delete(id);
        else table.set(id, before);
      }
      this.changed(model, rows.keys());
    }
    this.journal = undefined;
  }

  /** Keeps the row's state from before the current call, once per call (see `begin`). */
  private touch(model: string, id: number): void {
    if (!this.journal) return;
    let rows = this.journal.get(model);
    if (!rows) this.journal.set(model, (rows = new Map<number, Rec | undefined>()));
    if (rows.has(id)) return;
    const row = this.table(model).get(id);
    rows.set(id, row === undefined ? undefined : structuredClone(row));
  }

  spec(model: string): ModelSpec {
    const spec = this.models[model];
    if (!spec) throw odooErrors.unknownModel(model);
    return spec;
  }

  /** Raw stored rows (ids, many2one as ids), for assertions. */
  rows(model: string): Rec[] {
    this.spec(model);
    return [...this.table(model).values()].map((row) => structuredClone(row));
  }

  get(model: string, id: number): Rec | undefined {
    return this.table(model).get(id);
  }

  /** The stored rows themselves (no copies, unlike `rows`): for model code that only reads them. */
  scan(model: string): Rec[] {
    return [...this.table(model).values()];
  }

  /**
   * The stored rows whose `field` holds `value` (a variant's template, a line's order), in id order, from an
   * index kept per field that catches up with the rows changed since it last answered. Model code looked these
   * up by filtering copies of every row, once per record: at 10,000 products one backfill create took seconds.
   */
  where(model: string, field: string, value: unknown): Rec[] {
    const key = `${model}\u0000${field}`;
    const changes = this.changes.get(model) ?? [];
    let index = this.indexes.get(key);
    if (!index) {
      index = { seen: changes.length, groups: new Map(), valueOf: new Map() };
      for (const row of this.table(model).values()) this.place(index, field, row.id, row);
      this.indexes.set(key, index);
    }
    for (; index.seen < changes.length; index.seen++) {
      const id = changes[index.seen];
      this.place(index, field, id, this.table(model).get(id));
    }
    const group = index.groups.get(value);
    if (!group) return [];
    const rows = [...group.values()];
    return rows.length > 1 ? rows.sort((x, y) => x.id - y.id) : rows;
  }

  /** Moves row `id` to the group of its current value (or out of the index: the row is gone). */
  private place(index: FieldIndex, field: string, id: number, row: Rec | undefined): void {
    if (index.valueOf.has(id)) {
      const old = index.valueOf.get(id);
      const group = index.groups.get(old);
      group?.delete(id);
      if (group?.size === 0) index.groups.delete(old);
      index.valueOf.delete(id);
    }
    if (!row) return;
    const value = row[field];
    let group = index.groups.get(value);
    if (!group) index.groups.set(value, (group = new Map<number, Rec>()));
    group.set(id, row);
    index.valueOf.set(id, value);
  }

  private changed(model: string, ids: Iterable<number>): void {
    let changes = this.changes.get(model);
    if (!changes) this.changes.set(model, (changes = []));
    for (const id of ids) changes.push(id);
  }

  /** The field's value with delegation and computes applied (many2one as id, x2many as ids). */
  value(model: string, record: Rec, field: string): unknown {
    const spec = this.spec(model);
    if (field === 'id') return record.id;
    if (field === 'display_name') return this.displayName(model, record);
    const own = spec.fields[field];
    if (own) {
      if (own.compute) return own.compute(this, record);
      if (own.type === 'one2many') return this.where(own.relation, own.inverse, record.id).map((r) => r.id);
      return record[field] ?? emptyValue(own);
    }
    if (AUTO_FIELDS.includes(field)) return record[field] ?? false;
    if (spec.delegate) {
      const parent = this.get(spec.delegate.model, record[spec.delegate.field] as number);
      if (parent && this.hasField(spec.delegate.model, field))
        return this.value(spec.delegate.model, parent, field);
    }
    throw odooErrors.value(`Invalid field '${field}' on model '${model}'`);
  }

  hasField(model: string, field: string): boolean {
    const spec = this.spec(model);
    if (spec.fields[field] || AUTO_FIELDS.includes(field)) return true;
    return spec.delegate ? this.hasField(spec.delegate.model, field) : false;
  }

  fieldSpec(model: string, field: string): FieldSpec | undefined {
    const spec = this.spec(model);
    return spec.fields[field] ?? (spec.delegate ? this.fieldSpec(spec.delegate.model, field) : undefined);
  }

  displayName(model: string, record: Rec): string {
    const spec = this.spec(model);
    if (spec.displayName) return spec.displayName(this, record);
    const name = this.hasField(model, 'name') ? this.value(model, record, 'name') : false;
    return typeof name === 'string' ? name : `${model},${record.id}`;
  }

  create(model: string, valsList: Vals[], ctx: Ctx = {}): number[] {
    const spec = this.spec(model);
    if (spec.create) return spec.create(this, valsList, ctx);
    return valsList.map((vals) => this.createOne(model, vals, ctx));
  }

  /** The generic create, also used by custom creates. */
  createOne(model: string, input: Vals, ctx: Ctx): number {
    const spec = this.spec(model);
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw odooErrors.value(`create() expects a dict of values, got ${JSON.stringify(input)}`);
    }
    let vals: Vals = { ...input };
    for (const [field, fieldSpec] of Object.entries(spec.fields)) {
      if (vals[field] === undefined && fieldSpec.default !== undefined) {
        vals[field] =
          typeof fieldSpec.default === 'function'
            ? (fieldSpec.default as (db: FakeDatabase, vals: Vals) => unknown)(this, vals)
            : fieldSpec.default;
      }
    }
    if (spec.prepare) vals = spec.prepare(this, vals, ctx);
    const id = (this.sequences.get(model) ?? 0) + 1;
    this.sequences.set(model, id);
    const now = odooNow();
    const record: Rec = { id, create_date: now, write_date: now, create_uid: this.uid, write_uid: this.uid };
    // _inherits: the parent is created from the parent's fields unless an existing one is given.
    if (spec.delegate && vals[spec.delegate.field] === undefined) {
      const parentVals = Object.fromEntries(
        Object.entries(vals).filter(
          ([field]) => !spec.fields[field] && this.hasField(spec.delegate!.model, field),
        ),
      );
      vals[spec.delegate.field] = this.createOne(
        spec.delegate.model,
        { ...parentVals, __from_child: true },
        ctx,
      );
    }
    this.touch(model, id);
    this.table(model).set(id, record);
    this.changed(model, [id]);
    try {
      this.assign(model, record, vals, ctx, true);
      for (const [field, fieldSpec] of Object.entries(spec.fields)) {
        if (fieldSpec.required && isEmpty(this.value(model, record, field))) {
          throw odooErrors.validation(
            `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n\nModel: ${spec.description} (${model})\nField: ${field}`,
          );
        }
      }
      spec.afterCreate?.(this, record, vals, ctx);
      spec.check?.(this, [id]);
    } catch (err) {
      this.table(model).delete(id); // the transaction is rolled back
      throw err;
    } finally {
      this.changed(model, [id]);
    }
    return id;
  }

  write(model: string, ids: number[], input: Vals, ctx: Ctx = {}): void {
    const spec = this.spec(model);
    const records = this.browse(model, ids);
    ids.forEach((id) => this.touch(model, id));
    const before = records.map((r) => structuredClone(r));
    try {
      for (const record of records) {
        const vals = spec.prepare ? spec.prepare(this, { ...input }, ctx, record) : { ...input };
        this.assign(model, record, vals, ctx, false);
        record.write_date = odooNow();
        record.write_uid = this.uid;
      }
      spec.afterWrite?.(this, ids, input, ctx);
      spec.check?.(this, ids);
    } catch (err) {
      before.forEach((copy) => this.table(model).set(copy.id, copy));
      throw err;
    } finally {
      this.changed(model, ids);
    }
  }

  /** Deletes the records and, as Odoo's `BaseModel.unlink` does, the external ids (`ir.model.data`) naming them. */
  unlink(model: string, ids: number[]): void {
    this.browse(model, ids);
    for (const id of ids) {
      this.touch(model, id);
      this.table(model).delete(id);
    }
    this.changed(model, ids);
    if (model === 'ir.model.data' || !('ir.model.data' in this.models)) return;
    const names = ids.flatMap((id) =>
      this.where('ir.model.data', 'res_id', id)
        .filter((row) => row.model === model)
        .map((row) => row.id),
    );
    if (names.length > 0) this.unlink('ir.model.data', names);
  }

  /** The records, or MissingError if one of them does not exist. */
  browse(model: string, ids: number[]): Rec[] {
    const missing = ids.filter((id) => !this.table(model).has(id));
    if (missing.length > 0) throw odooErrors.missing(model, missing, this.uid);
    return ids.map((id) => this.table(model).get(id)!);
  }

  search(
    model: string,
    domain: unknown,
    options: { offset?: number; limit?: number | null; order?: string | null; ctx?: Ctx } = {},
  ): number[] {
    const spec = this.spec(model);
    const hideArchived =
      spec.fields.active !== undefined &&
      options.ctx?.active_test !== false &&
      !JSON.stringify(domain ?? []).includes('"active"');
    const read = (record: Record<string, unknown>, path: string) => this.readPath(model, record as Rec, path);
    let found = [...this.table(model).values()].filter(
      (record) =>
        (!hideArchived || this.value(model, record, 'active') !== false) &&
        matchesDomain(record, domain, read),
    );
    found = this.sort(model, found, options.order ?? spec.order ?? 'id');
    const offset = options.offset ?? 0;
    const end = options.limit ? offset + options.limit : undefined;
    return found.slice(offset, end).map((record) => record.id);
  }

  /** Reads records as Odoo answers them: many2one `[id, name]`, empty values `false`. */
  read(model: string, ids: number[], fields?: readonly string[] | null): Array<Record<string, unknown>> {
    const spec = this.spec(model);
    const names = fields && fields.length > 0 ? fields : Object.keys(spec.fields);
    return this.browse(model, ids).map((record) => {
      const out: Record<string, unknown> = { id: record.id };
      for (const field of names) out[field] = this.formatted(model, record, field);
      return out;
    });
  }

  private formatted(model: string, record: Rec, field: string): unknown {
    const value = this.value(model, record, field);
    const spec = this.fieldSpec(model, field);
    if (spec?.type === 'many2one') {
      const target = typeof value === 'number' ? this.get(spec.relation, value) : undefined;
      return target ? [target.id, this.displayName(spec.relation, target)] : false;
    }
    return value === undefined || value === null ? false : structuredClone(value);
  }

  private readPath(model: string, record: Rec, path: string): unknown {
    const [head, ...rest] = path.split('.');
    const value = this.value(model, record, head);
    if (rest.length === 0) return value;
    const spec = this.fieldSpec(model, head);
    if (!spec || !('relation' in spec)) throw odooErrors.value(`Invalid field path ${path} on ${model}`);
    const ids = Array.isArray(value) ? (value as number[]) : typeof value === 'number' ? [value] : [];
    const values = ids
      .map((id) => this.get(spec.relation, id))
      .filter((r): r is Rec => r !== undefined)
      .map((r) => this.readPath(spec.relation, r, rest.join('.')));
    return values.length === 1 ? values[0] : values.flat();
  }

  private sort(model: string, records: Rec[], order: string): Rec[] {
    const keys = order
      .split(',')
      .map((part) => part.trim().split(/\s+/))
      .filter(([field]) => field)
      .map(([field, direction]) => ({ field, desc: direction?.toLowerCase() === 'desc' }));
    return [...records].sort((a, b) => {
      for (const { field, desc } of keys) {
        const x = this.value(model, a, field) as string | number;
        const y = this.value(model, b, field) as string | number;
        if (x === y) continue;
        return (x < y ? -1 : 1) * (desc ? -1 : 1);
      }
      return 0;
    });
  }

  private assign(model: string, record: Rec, vals: Vals, ctx: Ctx, creating: boolean): void {
    const spec = this.spec(model);
    const delegated: Vals = {};
    const inverses: Array<() => void> = [];
    for (const [field, value] of Object.entries(vals)) {
      if (field === '__from_child') continue;
      const fieldSpec = spec.fields[field];
      if (!fieldSpec) {
        if (spec.delegate && this.hasField(spec.delegate.model, field)) {
          if (!creating) delegated[field] = value;
          continue;
        }
        if (AUTO_FIELDS.includes(field)) continue;
        throw odooErrors.value(`Invalid field '${field}' on model '${model}'`);
      }
      if (fieldSpec.compute) {
        if (fieldSpec.setter) inverses.push(() => fieldSpec.setter!(this, record, value, ctx));
        continue;
      }
      switch (fieldSpec.type) {
        case 'selection':
          if (value !== false && !fieldSpec.options.includes(value as string)) {
            throw odooErrors.value(`Wrong value for ${model}.${field}: ${pyRepr(value)}`);
          }
          record[field] = value;
          break;
        case 'many2one':
          if (value !== false && value !== null && !this.get(fieldSpec.relation, Number(value))) {
            throw odooErrors.validation(
              `The operation cannot be completed: ${model}.${field} refers to a record that does not exist (${fieldSpec.relation}(${JSON.stringify(value)},)).`,
            );
          }
          record[field] = value === null ? false : value === false ? false : Number(value);
          break;
        case 'one2many':
          inverses.push(() =>
            this.applyOne2many(fieldSpec.relation, fieldSpec.inverse, record.id, value, ctx),
          );
          break;
        case 'many2many':
          record[field] = this.applyMany2many(
            (record[field] as number[] | undefined) ?? [],
            value,
            fieldSpec.relation,
          );
          break;
        case 'integer':
        case 'float':
          if (value !== false && typeof value !== 'number') {
            throw odooErrors.value(`Wrong value for ${model}.${field}: ${pyRepr(value)}`);
          }
          record[field] = value === false ? 0 : value;
          break;
        case 'boolean':
          record[field] = Boolean(value);
          break;
        default:
          record[field] = value;
      }
    }
    this.changed(model, [record.id]);
    if (Object.keys(delegated).length > 0 && spec.delegate) {
      this.write(spec.delegate.model, [record[spec.delegate.field] as number], delegated, ctx);
    }
    inverses.forEach((apply) => apply());
  }

  private applyOne2many(
    relation: string,
    inverse: string,
    parentId: number,
    commands: unknown,
    ctx: Ctx,
  ): void {
    for (const command of asCommands(commands)) {
      const [code, id, payload] = command;
      switch (code) {
        case 0:
          this.createOne(relation, { ...(payload as Vals), [inverse]: parentId }, ctx);
          break;
        case 1:
          this.write(relation, [id as number], payload as Vals, ctx);
          break;
        case 2:
        case 3:
          this.unlink(relation, [id as number]);
          break;
        case 4:
          this.write(relation, [id as number], { [inverse]: parentId }, ctx);
          break;
        case 5:
        case 6:
          for (const child of [...this.where(relation, inverse, parentId)]) {
            if (code === 5 || !(payload as number[]).includes(child.id)) this.unlink(relation, [child.id]);
          }
          break;
        default:
          throw odooErrors.value(`Unknown x2many command ${JSON.stringify(command)}`);
      }
    }
  }

  private applyMany2many(current: number[], commands: unknown, relation: string): number[] {
    let ids = [...current];
    // Odoo 16+ also accepts a plain list of ids (same as [6, 0, ids]).
    if (Array.isArray(commands) && commands.every((c) => typeof c === 'number')) return [...commands];
    for (const [code, id, payload] of asCommands(commands)) {
      if (code === 6) ids = [...(payload as number[])];
      else if (code === 5) ids = [];
      else if (code === 4 && !ids.includes(id as number)) ids.push(id as number);
      else if (code === 3 || code === 2) ids = ids.filter((x) => x !== id);
      else throw odooErrors.value(`Unsupported many2many command ${code} on ${relation}`);
    }
    this.browse(relation, ids);
    return ids;
  }

  private table(model: string): Map<number, Rec> {
    const table = this.tables.get(model);
    if (!table) throw odooErrors.unknownModel(model);
    return table;
  }
}

function asCommands(value: unknown): Array<[number, unknown, unknown]> {
  if (value === false || value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw odooErrors.value(`x2many value must be a list of commands`);
  return value.map((command) => {
    if (!Array.isArray(command) || typeof command[0] !== 'number') {
      throw odooErrors.value(`Invalid x2many command ${JSON.stringify(command)}`);
    }
    return [command[0], command[1], command[2]] as [number, unknown, unknown];
  });
}

export function emptyValue(spec: FieldSpec): unknown {
  switch (spec.type) {
    case 'integer':
    case 'float':
      return 0;
    case 'boolean':
      return false;
    case 'many2many':
      return [];
    default:
      return false;
  }
}

export function isEmpty(value: unknown): boolean {
  return (
    value === false ||
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/** Rows of one model grouped by one field's stored value, and how far through the change log it is. */
interface FieldIndex {
  seen: number;
  groups: Map<unknown, Map<number, Rec>>;
  valueOf: Map<number, unknown>;
}
