import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import type { EventEnvelope, SyncEntityType, SyncOutcome } from '@app/contracts';
import { classifyError, type KafkaEventContext } from '@app/messaging';

import { ActivityLog } from '../activity/activity-log';
import { BindingBusyError, OdooBindings, type StoreOdoo } from '../bindings/odoo-bindings';
import { OdooClients } from '../connections/odoo-clients';
import { OdooError, OdooMissingRecordError, OdooValidationError } from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';

/** Quick re-runs stop once this much time went into an event's attempts (see applyWithQuickRetries). */
const QUICK_RETRY_BUDGET_MS = 5_000;

/** What applying one event came to, for the activity log. */
export interface ApplyResult {
  outcome: SyncOutcome;
  /** Required for skipped and failed: plain words for the merchant. */
  message?: string;
  errorCode?: string;
}

export interface SyncJob {
  entityType: SyncEntityType;
  entityId: string;
  apply: (odoo: StoreOdoo) => Promise<ApplyResult>;
}

/**
 * The frame around every Salla → Odoo event: the store's client (or a "skipped: not connected" line), the
 * activity-log line for the outcome, and error classification. A permanent failure (Odoo refused the data)
 * is logged with Odoo's reason and rethrown, so the message is dead-lettered with it; a transient one is
 * rethrown to be retried, and logged only when it was the last try.
 */
@Injectable()
export class SyncRunner {
  private readonly logger = new Logger(SyncRunner.name);

  constructor(
    private readonly clients: OdooClients,
    private readonly activity: ActivityLog,
    private readonly bindings: OdooBindings,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  async run(event: EventEnvelope<object>, ctx: KafkaEventContext | undefined, job: SyncJob): Promise<void> {
    const started = Date.now();
    const attempt = ctx?.getAttempt() ?? 1;
    const base = { entityType: job.entityType, entityId: job.entityId, eventId: event.id, attempt };
    const store = await this.clients.forStore(event.storeId);
    if (!store.client) {
      await this.activity.record(event.storeId, { ...base, outcome: 'skipped', message: store.reason });
      return;
    }
    try {
      const result = await this.applyWithQuickRetries(job, { storeId: event.storeId, client: store.client });
      await this.activity.record(event.storeId, { ...base, ...result, durationMs: Date.now() - started });
    } catch (err) {
      await this.recordFailure(event.storeId, base, err, attempt, started);
      throw err;
    }
  }

  /**
   * The same frame for a batch of one store's events (backfill): one activity line per event. A failure is
   * rethrown without lines: the messaging layer then hands the events over one at a time, through `run`,
   * which logs each outcome.
   */
  async runMany(
    storeId: string,
    entityType: SyncEntityType,
    entries: readonly BatchEntry[],
    apply: BatchApply,
  ): Promise<void> {
    const started = Date.now();
    const lines = (results: ApplyResult[]) =>
      Promise.all(
        entries.map((e, i) =>
          this.activity.record(storeId, {
            entityType,
            entityId: e.entityId,
            eventId: e.event.id,
            attempt: 1,
            ...results[i],
            durationMs: Date.now() - started,
          }),
        ),
      );
    const store = await this.clients.forStore(storeId);
    if (!store.client) {
      await lines(entries.map(() => ({ outcome: 'skipped' as const, message: store.reason })));
      return;
    }
    await lines(await apply({ storeId, client: store.client }));
  }

  /**
   * One flaky Odoo answer should not send an order through Kafka's retry backoff (seconds growing to half a
   * minute, the partition waiting behind it): a transient failure re-runs the idempotent job a few times
   * within a few seconds. Not when the attempts are slow (an Odoo that hangs until the timeout: re-running
   * would only hold the partition longer), nor for a binding another worker holds (it needs minutes). And once
   * when Odoo refuses data built from the local binding cache (see `OdooBindings.noting`).
   */
  private async applyWithQuickRetries(job: SyncJob, odoo: StoreOdoo): Promise<ApplyResult> {
    const started = Date.now();
    const noted = new Set<string>();
    let refreshed = false;
    for (let retry = 0; ; retry++) {
      try {
        return await this.bindings.noting(noted, () => job.apply(odoo), refreshed);
      } catch (err) {
        // Odoo refused data that used ids from the local binding cache: one of those records may have been
        // deleted in Odoo since. Once, drop them and re-run with every binding read from Odoo (a deleted
        // record is then created anew); a refusal with bindings fresh from Odoo is the data's own.
        if (!refreshed && noted.size > 0 && refutesCache(err)) {
          refreshed = true;
          await this.bindings.forgetNoted(odoo.storeId, noted);
          continue;
        }
        noted.clear();
        const quick =
          retry < this.config.ODOO_APPLY_RETRIES &&
          Date.now() - started < QUICK_RETRY_BUDGET_MS &&
          classifyError(err) === 'transient' &&
          !(err instanceof BindingBusyError);
        if (!quick) throw err;
        await sleep(200 * 2 ** retry * (0.5 + Math.random()));
      }
    }
  }

  private async recordFailure(
    storeId: string,
    base: { entityType: SyncEntityType; entityId: string; eventId: string; attempt: number },
    err: unknown,
    attempt: number,
    started: number,
  ): Promise<void> {
    const permanent = classifyError(err) === 'permanent';
    if (permanent || attempt >= this.config.KAFKA_MAX_ATTEMPTS) {
      await this.activity.record(storeId, {
        ...base,
        outcome: 'failed',
        message: failureMessage(err, permanent),
        errorCode: errorCodeOf(err),
        durationMs: Date.now() - started,
      });
    } else {
      this.logger.warn({ msg: 'sync attempt failed, will retry', storeId, ...base, err });
    }
  }
}

/** What Odoo answers when a record the data refers to no longer exists (a write on it, a link to it). */
function refutesCache(err: unknown): boolean {
  return err instanceof OdooMissingRecordError || err instanceof OdooValidationError;
}

/** One event of a batch: the entity it names, for the activity log. */
export interface BatchEntry {
  event: EventEnvelope<object>;
  entityId: string;
}

export type BatchApply = (odoo: StoreOdoo) => Promise<ApplyResult[]>;

function failureMessage(err: unknown, permanent: boolean): string {
  const reason =
    err instanceof OdooError ? err.merchantMessage : err instanceof Error ? err.message : String(err);
  return permanent
    ? `Odoo refused it: ${reason}`
    : `Gave up after repeated errors talking to Odoo: ${reason}`;
}

function errorCodeOf(err: unknown): string {
  if (err instanceof OdooError) {
    const kind =
      err.name
        .replace(/^Odoo/, '')
        .replace(/Error$/, '')
        .toLowerCase() || 'error';
    return `odoo.${kind}`;
  }
  return 'sync.error';
}
