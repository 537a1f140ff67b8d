import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { isUniqueViolation, OdooMissingRecordError, type OdooValues, WITH_ARCHIVED } from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import {
  BindingBusyError,
  type BindingTarget,
  mayHaveApplied,
  OdooBindings,
  type StoreOdoo,
} from './odoo-bindings';

/** 100, 200, 400, 800, 1600 ms: a rival's create and binding write are a few round trips. */
const BUSY_RETRIES = 5;
const BUSY_FIRST_WAIT_MS = 100;

/** One record of a batch: its binding, more bindings to the same record (the SKU lock), its values. */
export interface BatchRecord {
  target: BindingTarget;
  extraTargets?: BindingTarget[];
  vals: OdooValues;
}

/** `single`: this record needs the one-at-a-time protocol (a claim in progress, a SKU bound elsewhere). */
export type BatchOutcome = { id: number; created: boolean } | 'single';

export interface UpsertManyOptions {
  /** Finds existing records by natural key (SKU...), one call for all: aligned with `records`, null = none. */
  adoptMany?: (records: readonly BatchRecord[]) => Promise<Array<number | null>>;
  /** false: a record found bound is left as it is (placeholders). Default true: changed fields are written. */
  update?: boolean;
}

interface ImdRow {
  id: number;
  name: string;
  res_id: number | false;
  write_date?: string;
}

/**
 * Backfill: bindings and records of MANY Salla records with a handful of Odoo calls instead of a few per
 * record — one `search_read` of their `ir.model.data` rows, one natural-key search, one `create` of the new
 * records, one `create` of their binding rows, one `read` + a `write` per record that actually changed.
 *
 * Claims first, as the one-at-a-time protocol (OdooBindings.ensure) does: the binding rows of the new records
 * and their extra bindings (a SKU's lock) are created as claims (`res_id = 0`, one `create` for all) before
 * any record is created, so nothing is ever created by a worker that does not hold its bindings. Without that,
 * a rival — an order line creating a product not synced yet under its SKU's lock, the live path applying the
 * same order from a webhook — could create the record between the batch's natural-key search and its create:
 * two Odoo records for one Salla record. A claim someone else holds sends its record to the one-at-a-time path
 * (`single`). Once the records exist, the claims are replaced by the real rows (one `unlink`, one `create`:
 * Odoo has no multi-value write, and a `write` per record is what batching avoids). A rival that claims in
 * the moment between the two adopts the batch's record by natural key, or — a category has none — creates its
 * own. The final `create` is then refused, and each record is bound one at a time, its locks first: the batch
 * waits until the rival has bound its record (`bindWhenFree`), and a record of ours that lost is unlinked.
 *
 * A refused create frees the claims at once. A create that may have been applied (timeout) and a crash leave
 * claims behind: a rival or the redelivery (one at a time, then) adopts the record by natural key (SKU,
 * barcode, order reference...), or takes the claim over once stale (ODOO_CLAIM_STALE_MS).
 */
@Injectable()
export class BatchBindings {
  constructor(
    private readonly bindings: OdooBindings,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  async upsertMany(
    odoo: StoreOdoo,
    model: string,
    records: readonly BatchRecord[],
    options: UpsertManyOptions = {},
  ): Promise<BatchOutcome[]> {
    const out: Array<BatchOutcome | undefined> = new Array<BatchOutcome | undefined>(records.length);
    const known = await Promise.all(records.map((r) => this.bindings.cached(odoo, r.target)));
    const unknown = records.map((_, i) => i).filter((i) => known[i] === null);
    const rows = await this.readRows(
      odoo,
      unknown.flatMap((i) => this.targetsOf(records[i])),
    );
    const fresh: number[] = [];
    const learned: Array<{ target: BindingTarget; resId: number }> = [];
    const stale: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const id = known[i] ?? null;
      if (id) {
        out[i] = { id, created: false };
        continue;
      }
      const row = rows.get(this.bindings.nameOf(odoo.storeId, records[i].target));
      if (row?.res_id) {
        out[i] = { id: row.res_id, created: false };
        learned.push({ target: records[i].target, resId: row.res_id });
        continue;
      }
      const held = this.targetsOf(records[i])
        .map((t) => rows.get(this.bindings.nameOf(odoo.storeId, t)))
        .filter((r): r is ImdRow => r !== undefined);
      // Claims of a worker that crashed (stale) are taken over: the records it may have created are then
      // adopted by natural key below, as after any crash. Claims in progress and bound SKUs go one at a time.
      if (held.length > 0 && held.every((r) => this.bindings.isStaleClaim(r))) {
        stale.push(...held.map((r) => r.id));
        fresh.push(i);
      } else if (held.length > 0) out[i] = 'single';
      else fresh.push(i);
    }
    await this.bindings.rememberMany(odoo, learned);
    await this.unlinkClaims(odoo, stale);

    const { locked, claims } = await this.claimAll(odoo, records, fresh, out);
    const newIds = new Map<number, { id: number; created: boolean }>();
    let creating = false;
    try {
      const adopted =
        locked.length && options.adoptMany ? await options.adoptMany(locked.map((i) => records[i])) : [];
      const toCreate = locked.filter((_, k) => !adopted[k]);
      creating = true;
      const createdIds = await odoo.client.create(
        model,
        toCreate.map((i) => records[i].vals),
      );
      locked.forEach((i, k) => {
        const a = adopted[k];
        if (a) newIds.set(i, { id: a, created: false });
      });
      toCreate.forEach((i, k) => newIds.set(i, { id: createdIds[k], created: true }));
    } catch (err) {
      // Nothing was created (the natural-key search failed, or Odoo refused the create): free the claims at
      // once. A create that may have been applied keeps them; the redelivery (or a rival) adopts its records
      // by natural key, or takes the claims over once stale.
      if (!creating || !mayHaveApplied(err)) await this.unlinkClaims(odoo, claims).catch(() => undefined);
      throw err;
    }
    await this.unlinkClaims(odoo, claims);
    for (const [i, bound] of await this.bindAll(odoo, model, records, newIds)) out[i] = bound;

    if (options.update !== false) {
      const existing = out
        .map((o, i) => ({ o, i }))
        .filter(({ o }) => o !== 'single' && o !== undefined && !o.created) as Array<{
        o: { id: number };
        i: number;
      }>;
      await this.writeChanged(
        odoo,
        model,
        existing.map(({ o, i }) => ({ id: o.id, vals: records[i].vals })),
      );
    }
    return out.map((o) => o ?? 'single');
  }

  /**
   * Claims every binding of the fresh records in one create. The unique index refuses the whole create when
   * one of them is taken: those records go `single`, the others try again.
   */
  private async claimAll(
    odoo: StoreOdoo,
    records: readonly BatchRecord[],
    fresh: readonly number[],
    out: Array<BatchOutcome | undefined>,
  ): Promise<{ locked: number[]; claims: number[] }> {
    const named = (i: number) =>
      this.targetsOf(records[i]).map((t) => ({ t, name: this.bindings.nameOf(odoo.storeId, t) }));
    // The same binding twice in one batch (two records, one SKU): the first claims it, the others go single.
    const seen = new Set<string>();
    let candidates = fresh.filter((i) => {
      const names = named(i).map((n) => n.name);
      if (names.some((n) => seen.has(n))) {
        out[i] = 'single';
        return false;
      }
      names.forEach((n) => seen.add(n));
      return true;
    });
    for (let round = 0; round < 3 && candidates.length > 0; round++) {
      const rows = candidates.flatMap((i) =>
        named(i).map(({ t, name }) => ({
          module: this.config.ODOO_MODULE_NAME,
          name,
          model: t.model,
          res_id: 0,
          noupdate: true,
        })),
      );
      try {
        return { locked: candidates, claims: await odoo.client.create('ir.model.data', rows) };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const taken = await this.readRows(
        odoo,
        candidates.flatMap((i) => this.targetsOf(records[i])),
      );
      const free: number[] = [];
      for (const i of candidates) {
        if (named(i).some((n) => taken.has(n.name))) out[i] = 'single';
        else free.push(i);
      }
      candidates = free;
    }
    for (const i of candidates) out[i] = 'single';
    return { locked: [], claims: [] };
  }

  /** Removes our claim rows; one a rival took over meanwhile (stale) is gone already. */
  private async unlinkClaims(odoo: StoreOdoo, claims: readonly number[]): Promise<void> {
    if (claims.length === 0) return;
    try {
      await odoo.client.call('ir.model.data', 'unlink', claims);
    } catch (err) {
      if (!(err instanceof OdooMissingRecordError)) throw err;
      for (const id of claims)
        await odoo.client.call('ir.model.data', 'unlink', [id]).catch((e: unknown) => {
          if (!(e instanceof OdooMissingRecordError)) throw e;
        });
    }
  }

  /** One create for all binding rows; if the unique index refuses it, bind one at a time (see class comment). */
  private async bindAll(
    odoo: StoreOdoo,
    model: string,
    records: readonly BatchRecord[],
    ids: Map<number, { id: number; created: boolean }>,
  ): Promise<Map<number, { id: number; created: boolean }>> {
    if (ids.size === 0) return ids;
    const rows = [...ids].flatMap(([i, { id }]) =>
      this.targetsOf(records[i]).map((t) => ({
        module: this.config.ODOO_MODULE_NAME,
        name: this.bindings.nameOf(odoo.storeId, t),
        model: t.model,
        res_id: id,
        noupdate: true,
      })),
    );
    try {
      await odoo.client.create('ir.model.data', rows);
      await this.bindings.rememberMany(
        odoo,
        [...ids].flatMap(([i, { id }]) =>
          this.targetsOf(records[i]).map((target) => ({ target, resId: id })),
        ),
      );
      return ids;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const result = new Map<number, { id: number; created: boolean }>();
    for (const [i, mine] of ids) {
      let winner = mine.id;
      // Locks first: the SKU's holder decides which record wins, and the record's own binding follows it.
      for (const t of [...(records[i].extraTargets ?? []), records[i].target]) {
        const bound = await this.bindWhenFree(odoo, t, winner);
        winner = bound.id;
      }
      if (winner !== mine.id && mine.created) await odoo.client.call(model, 'unlink', [mine.id]);
      result.set(i, { id: winner, created: winner === mine.id && mine.created });
    }
    return result;
  }

  /**
   * `bindExisting`, waiting out a rival that claimed the binding in the moment between the unlink of our claims
   * and the create of the real rows: it is adopting or creating its record right now (a create and a write),
   * and whichever record it binds is the one that stays. A claim still open after ≈ 3 s is a rival that
   * crashed: ours is written into it, as `ensure` does with a record found by natural key.
   */
  private async bindWhenFree(odoo: StoreOdoo, target: BindingTarget, id: number): Promise<{ id: number }> {
    for (let attempt = 0; attempt < BUSY_RETRIES; attempt++) {
      try {
        return await this.bindings.bindExisting(odoo, target, id, { intoClaims: false });
      } catch (err) {
        if (!(err instanceof BindingBusyError)) throw err;
      }
      await sleep(BUSY_FIRST_WAIT_MS * 2 ** attempt);
    }
    return this.bindings.bindExisting(odoo, target, id);
  }

  /** Reads the current values of the records in one call and writes only those that differ. */
  private async writeChanged(
    odoo: StoreOdoo,
    model: string,
    wanted: ReadonlyArray<{ id: number; vals: OdooValues }>,
  ): Promise<void> {
    if (wanted.length === 0) return;
    const fields = [...new Set(wanted.flatMap((w) => Object.keys(w.vals)))];
    const current = new Map(
      (
        await odoo.client.searchRead<{ id: number } & Record<string, unknown>>(
          model,
          [['id', 'in', wanted.map((w) => w.id)]],
          fields,
          { context: WITH_ARCHIVED },
        )
      ).map((r) => [r.id, r]),
    );
    for (const { id, vals } of wanted) {
      const row = current.get(id);
      const changed = Object.fromEntries(
        Object.entries(vals).filter(([k, v]) => !row || !sameValue(row[k], v)),
      );
      if (Object.keys(changed).length > 0) await odoo.client.write(model, [id], changed);
    }
  }

  private async readRows(odoo: StoreOdoo, targets: BindingTarget[]): Promise<Map<string, ImdRow>> {
    if (targets.length === 0) return new Map();
    const rows = await odoo.client.searchRead<ImdRow & Record<string, unknown>>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['name', 'in', [...new Set(targets.map((t) => this.bindings.nameOf(odoo.storeId, t)))]],
      ],
      ['name', 'res_id', 'write_date'],
    );
    return new Map(rows.map((r) => [r.name, r]));
  }

  private targetsOf(record: BatchRecord): BindingTarget[] {
    return [record.target, ...(record.extraTargets ?? [])];
  }
}

/** Odoo reads many2one as `[id, name]`, empty values as false; numbers may come back as floats. */
function sameValue(current: unknown, wanted: unknown): boolean {
  const value =
    Array.isArray(current) && current.length === 2 && typeof current[0] === 'number' ? current[0] : current;
  if ((wanted === false || wanted === null || wanted === undefined) && (value === false || value === null))
    return true;
  if (typeof wanted === 'number' && typeof value === 'number') return Math.abs(wanted - value) < 1e-6;
  return value === wanted;
}
