import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { isUniqueViolation, OdooError, OdooMissingRecordError, type OdooClient } from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import { BindingCacheRepository } from './binding-cache.repository';
import type { OdooBindingDoc } from './binding-cache.schema';

/** What a binding links: a Salla record of `kind` to a record of an Odoo `model`. */
export type BindingKind =
  | 'category'
  | 'product'
  | 'sku'
  | 'customer'
  // A customer's delivery address (a `res.partner` of type delivery under the customer), one per distinct address.
  | 'address'
  | 'order'
  | 'carrier'
  | 'payment'
  | 'line_product'
  | 'invoice'
  // Salla variants and the Odoo attributes, values and template lines built for them (product-variants.ts).
  | 'variant'
  | 'attribute'
  | 'attribute_value'
  | 'attribute_line'
  // A Salla refund's credit note and the payment that pays it back (order-refunds.ts).
  | 'refund'
  | 'refund_payment';

export interface BindingTarget {
  kind: BindingKind;
  sallaId: string;
  model: string;
}

export interface StoreOdoo {
  storeId: string;
  client: OdooClient;
}

export interface EnsureSteps {
  /** Finds the record by its natural key in Odoo (SKU, client_order_ref...): a crash's leftover or the merchant's own. */
  adopt: () => Promise<number | null>;
  /** Creates the record; only ever run by the worker holding the claim. */
  create: () => Promise<number>;
  /**
   * The local cache entry the caller already read for this binding in the same apply (see `cacheEntry`), so
   * `ensure` does not read it again. Null means "not cached"; a binding someone else made since is then found
   * in Odoo, as after any cache miss.
   */
  cacheEntry?: CachedBinding | null;
  /**
   * false: never write into a claim another worker holds and is still working on (busy instead). Right when
   * `adopt` returns an id of the caller's choosing rather than one found by natural key: the holder would not
   * find that record, and would overwrite the binding with its own.
   */
  adoptIntoClaims?: boolean;
}

/** The local binding cache's entry for one binding: its Odoo id and the source version last applied. */
export type CachedBinding = Pick<OdooBindingDoc, 'resId' | 'appliedAt'>;

export interface Bound {
  id: number;
  /** true when this call created the Odoo record. */
  created: boolean;
  name: string;
}

/** Another worker holds the claim on this binding and is still working on it: retry later (transient). */
export class BindingBusyError extends Error {
  readonly permanent = false;
  constructor(name: string) {
    super(`Another worker is creating the Odoo record for ${name}; will retry`);
    this.name = 'BindingBusyError';
  }
}

/** Whether a failed create may still have been applied in Odoo. */
export function mayHaveApplied(err: unknown): boolean {
  if (!(err instanceof OdooError) || err.permanent) return false;
  return err.httpStatus !== 500 && err.httpStatus !== 503;
}

interface ImdRow {
  id: number;
  res_id: number | false;
  write_date?: string;
}

/**
 * Bindings: `ir.model.data` rows (module ODOO_MODULE_NAME, name `<kind>_<storeId>_<sallaId>`) whose unique
 * (module, name) index is the lock that makes every create happen once, whatever the number of workers.
 *
 * The protocol ("claim first"):
 *  1. Bound already (local cache, else `ir.model.data` with `res_id > 0`) → use it.
 *  2. Unbound → create the row with `res_id = 0`: the CLAIM. The unique index lets exactly one worker through;
 *     the others get a unique violation and go to 3.
 *     The claim holder adopts the record by its natural key (a leftover of an earlier crash, or the merchant's
 *     own record) or creates it, then writes the real `res_id`.
 *  3. A claim with `res_id = 0` held by someone else → adopt by natural key if the record exists already (the
 *     holder created it, or crashed right after creating it: a crash between the create and the binding write
 *     is healed here); otherwise retry later (`BindingBusyError`, transient), and after ODOO_CLAIM_STALE_MS
 *     take the claim over (unlink + claim again, so the index arbitrates again between rivals). A record the
 *     holder cannot find by natural key (a batch's category) should not be written into a claim in progress —
 *     the holder would overwrite the binding with a record of its own (`adoptIntoClaims: false`).
 *  A create that fails permanently (Odoo refused the data) releases the claim; a transient failure keeps it,
 *  because the record may exist (a timeout after the commit) and the retry adopts it.
 * Natural keys must therefore be written in the same call that creates the record.
 */
@Injectable()
export class OdooBindings {
  /** The current apply's local cache use (see `noting`). */
  private readonly relied = new AsyncLocalStorage<{ noted: Set<string>; fromOdoo: boolean }>();

  constructor(
    private readonly cache: BindingCacheRepository,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  /**
   * Runs `work`, adding to `noted` the names of the local cache entries whose Odoo id it used without asking
   * Odoo. A cache entry is a belief: a record the merchant deleted in Odoo since is still in it (Odoo deletes
   * the record's `ir.model.data` names with it, so Odoo itself knows), and Odoo then refuses what refers to
   * it. The caller can `forgetNoted` and run the work again `fromOdoo`: every binding is then read from Odoo,
   * not the cache — also those the first run never reached (a product's SKU lock after its own binding) — and
   * a deleted record is created anew.
   */
  noting<T>(noted: Set<string>, work: () => Promise<T>, fromOdoo = false): Promise<T> {
    return this.relied.run({ noted, fromOdoo }, work);
  }

  /** Drops the noted entries from the local cache (see `noting`). */
  async forgetNoted(storeId: string, noted: Set<string>): Promise<void> {
    for (const name of noted) await this.cache.forget(storeId, name);
    noted.clear();
  }

  /** Whether the current apply took an Odoo id from the local cache (see `noting`): a refusal may be its doing. */
  usedCache(): boolean {
    return (this.relied.getStore()?.noted.size ?? 0) > 0;
  }

  private note(name: string): void {
    this.relied.getStore()?.noted.add(name);
  }

  nameOf(storeId: string, target: Pick<BindingTarget, 'kind' | 'sallaId'>): string {
    const id = /^[A-Za-z0-9_-]{1,64}$/.test(target.sallaId)
      ? target.sallaId
      : `h${createHash('sha256').update(target.sallaId).digest('hex').slice(0, 32)}`;
    return `${target.kind}_${storeId}_${id}`.replace(/-/g, '_');
  }

  /** The bound Odoo id, or null (no call to Odoo when the local cache knows it). */
  async lookup(odoo: StoreOdoo, target: BindingTarget): Promise<number | null> {
    const name = this.nameOf(odoo.storeId, target);
    const cached = await this.boundId(odoo, name);
    if (cached) {
      this.note(name);
      return cached;
    }
    const row = await this.read(odoo, name);
    if (row && row.res_id) {
      await this.remember(odoo, target, name, row.res_id);
      return row.res_id;
    }
    return null;
  }

  /** Many lookups in one `search_read` (backfill): sallaId → Odoo id, for the bound ones. */
  async lookupMany(odoo: StoreOdoo, targets: readonly BindingTarget[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const missing: Array<{ target: BindingTarget; name: string }> = [];
    for (const target of targets) {
      const name = this.nameOf(odoo.storeId, target);
      const cached = await this.boundId(odoo, name);
      if (cached) {
        this.note(name);
        found.set(target.sallaId, cached);
      } else missing.push({ target, name });
    }
    if (missing.length === 0) return found;
    const rows = await odoo.client.searchRead<{ id: number; name: string; res_id: number | false }>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['name', 'in', missing.map((m) => m.name)],
      ],
      ['name', 'res_id'],
    );
    for (const row of rows) {
      const entry = missing.find((m) => m.name === row.name);
      if (!entry || !row.res_id) continue;
      found.set(entry.target.sallaId, row.res_id);
      await this.remember(odoo, entry.target, entry.name, row.res_id);
    }
    return found;
  }

  /** Binds `target`, creating the Odoo record at most once (see the class comment). */
  async ensure(odoo: StoreOdoo, target: BindingTarget, steps: EnsureSteps): Promise<Bound> {
    const name = this.nameOf(odoo.storeId, target);
    const cached =
      steps.cacheEntry !== undefined ? (steps.cacheEntry?.resId ?? null) : await this.boundId(odoo, name);
    if (cached && cached > 0) {
      this.note(name);
      return { id: cached, created: false, name };
    }
    for (let round = 0; round < 3; round++) {
      const row = await this.read(odoo, name);
      if (row && row.res_id) {
        await this.remember(odoo, target, name, row.res_id);
        return { id: row.res_id, created: false, name };
      }
      if (!row) {
        let claimId: number;
        try {
          [claimId] = await odoo.client.create('ir.model.data', [
            { module: this.config.ODOO_MODULE_NAME, name, model: target.model, res_id: 0, noupdate: true },
          ]);
        } catch (err) {
          if (isUniqueViolation(err)) continue; // another worker claimed it first: read theirs
          throw err;
        }
        return this.complete(odoo, target, name, claimId, steps);
      }
      // A claim without a record yet: its holder is working, or crashed. A record found by natural key is the
      // one the holder finds too (or made itself), so binding it here agrees with what the holder will write.
      const adopted = steps.adoptIntoClaims === false ? null : await steps.adopt();
      if (adopted) {
        await odoo.client.write('ir.model.data', [row.id], { res_id: adopted });
        await this.remember(odoo, target, name, adopted);
        return { id: adopted, created: false, name };
      }
      if (!this.isStale(row)) throw new BindingBusyError(name);
      try {
        await odoo.client.call('ir.model.data', 'unlink', [row.id]);
      } catch (err) {
        if (!(err instanceof OdooMissingRecordError)) throw err; // a rival took it over first
      }
    }
    throw new BindingBusyError(name);
  }

  /**
   * Writes a binding for a record found some other way (e.g. a product matched by SKU under a lock). Returns
   * the record the binding points at, which is another one when it was bound already. `intoClaims: false`:
   * a claim another worker holds is busy (`BindingBusyError`) rather than written into — for a record the
   * holder would not find by natural key (see `EnsureSteps.adoptIntoClaims`).
   */
  async bindExisting(
    odoo: StoreOdoo,
    target: BindingTarget,
    id: number,
    options: { intoClaims?: boolean } = {},
  ): Promise<Bound> {
    return this.ensure(odoo, target, {
      adopt: () => Promise.resolve(id),
      create: () => Promise.resolve(id),
      adoptIntoClaims: options.intoClaims,
    });
  }

  /** Names of this store's bindings of `kind` pointing at `resId` (who owns an Odoo record), oldest first. */
  async ownersOf(odoo: StoreOdoo, kind: BindingKind, model: string, resId: number): Promise<string[]> {
    const rows = await odoo.client.searchRead<{ id: number; name: string }>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['model', '=', model],
        ['res_id', '=', resId],
        ['name', '=like', `${kind}_${odoo.storeId}_%`],
      ],
      ['name'],
      { order: 'id asc' },
    );
    return rows.map((r) => r.name);
  }

  /** Removes a binding in Odoo and locally (the Salla record no longer owns that Odoo record). */
  async unbind(odoo: StoreOdoo, name: string): Promise<void> {
    const row = await this.read(odoo, name);
    if (row) await odoo.client.call('ir.model.data', 'unlink', [row.id]);
    await this.cache.forget(odoo.storeId, name);
  }

  async applied(odoo: StoreOdoo, name: string): Promise<string | null> {
    return (await this.cacheEntry(odoo, name))?.appliedAt ?? null;
  }

  /**
   * The local cache entry of a binding, learnt in this store's current Odoo database (null when not cached):
   * for a caller that also passes it to `ensure`.
   */
  cacheEntry(odoo: StoreOdoo, name: string): Promise<CachedBinding | null> {
    if (this.relied.getStore()?.fromOdoo) return Promise.resolve(null);
    return this.cache.get(odoo.storeId, odoo.client.stamp, name);
  }

  /** The bound Odoo id from the local cache (or this process's memory of it), null when not cached. */
  private boundId(odoo: StoreOdoo, name: string): Promise<number | null> {
    if (this.relied.getStore()?.fromOdoo) return Promise.resolve(null);
    return this.cache.resIdOf(odoo.storeId, odoo.client.stamp, name);
  }

  markApplied(odoo: StoreOdoo, name: string, sourceUpdatedAt: string | undefined): Promise<void> {
    return sourceUpdatedAt ? this.cache.markApplied(odoo.storeId, name, sourceUpdatedAt) : Promise.resolve();
  }

  /** Forgets the local copy (the Odoo record is gone); the next ensure reads Odoo again. */
  forget(storeId: string, name: string): Promise<void> {
    return this.cache.forget(storeId, name);
  }

  private async complete(
    odoo: StoreOdoo,
    target: BindingTarget,
    name: string,
    claimId: number,
    steps: EnsureSteps,
  ): Promise<Bound> {
    let id: number;
    let created = false;
    try {
      const adopted = await steps.adopt();
      if (adopted) id = adopted;
      else {
        id = await steps.create();
        created = true;
      }
    } catch (err) {
      // Nothing was created — Odoo refused it, or answered 500/503 (its transaction rolled back) — so free the
      // name. A timeout, a reset or a proxy's 502/504 may hide an applied create: keep the claim until stale.
      if (!mayHaveApplied(err))
        await odoo.client.call('ir.model.data', 'unlink', [claimId]).catch(() => undefined);
      throw err;
    }
    await odoo.client.write('ir.model.data', [claimId], { res_id: id });
    await this.remember(odoo, target, name, id);
    return { id, created, name };
  }

  private async read(odoo: StoreOdoo, name: string): Promise<ImdRow | undefined> {
    const rows = await odoo.client.searchRead<ImdRow & Record<string, unknown>>(
      'ir.model.data',
      [
        ['module', '=', this.config.ODOO_MODULE_NAME],
        ['name', '=', name],
      ],
      ['res_id', 'write_date'],
      { limit: 1 },
    );
    return rows[0];
  }

  /** A claim (`res_id = 0`) untouched for ODOO_CLAIM_STALE_MS: its holder crashed, anyone may take it over. */
  isStaleClaim(row: { res_id: number | false; write_date?: string }): boolean {
    return !row.res_id && this.isStale(row);
  }

  private isStale(row: Pick<ImdRow, 'write_date'>): boolean {
    if (!row.write_date) return false;
    // Odoo writes UTC as 'YYYY-MM-DD HH:MM:SS'.
    const at = Date.parse(`${row.write_date.replace(' ', 'T')}Z`);
    return Number.isFinite(at) && Date.now() - at > this.config.ODOO_CLAIM_STALE_MS;
  }

  /** The local binding cache's Odoo id for `target`, without asking Odoo (null when not cached). */
  async cached(odoo: StoreOdoo, target: BindingTarget): Promise<number | null> {
    const name = this.nameOf(odoo.storeId, target);
    const hit = await this.boundId(odoo, name);
    if (!hit) return null;
    this.note(name);
    return hit;
  }

  /** `remember` for many bindings in one write (a backfill batch). */
  rememberMany(
    odoo: StoreOdoo,
    entries: ReadonlyArray<{ target: BindingTarget; resId: number }>,
  ): Promise<void> {
    return this.cache.rememberMany(
      odoo.storeId,
      odoo.client.stamp,
      entries.map(({ target, resId }) => ({
        _id: this.nameOf(odoo.storeId, target),
        kind: target.kind,
        sallaId: target.sallaId,
        model: target.model,
        resId,
      })),
    );
  }

  remember(odoo: StoreOdoo, target: BindingTarget, name: string, resId: number): Promise<void> {
    return this.cache.remember(odoo.storeId, odoo.client.stamp, {
      _id: name,
      kind: target.kind,
      sallaId: target.sallaId,
      model: target.model,
      resId,
    });
  }
}
