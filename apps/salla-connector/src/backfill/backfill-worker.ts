import { randomUUID } from 'node:crypto';

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { PeriodicTask } from '@app/bootstrap';
import { APP_CONFIG } from '@app/config';
import { BackfillProgress, type BackfillResource, type EventOrigin, keyFor, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';
import { metrics } from '@app/observability';
import type { Stored } from '@app/persistence';

import { ActivityLog } from '../activity/activity-log';
import { CanonicalPublisher } from '../activity/canonical-publisher';
import { SallaApiClient, SallaApiError } from '../salla-api';
import type { SallaConnectorEnv } from '../salla-connector.env';
import { MongoLeases } from '@app/persistence';
import { StoreRetryBackoff } from '../store-retry-backoff';
import { StoresRepository } from '../stores/stores.repository';
import { StoreNotCallableError } from '../tokens';

import type { BackfillRun, ResourceProgress } from './backfill-run.schema';
import { BackfillRunsRepository } from './backfill-runs.repository';
import { BACKFILL_SOURCES } from './backfill-sources';

const emitted = metrics.counter(
  'salla.backfill.records',
  'Records a backfill emitted, by resource and outcome',
);

/** Runs one instance works on at once; each is paced by its store's Salla rate limit anyway. */
const MAX_CONCURRENT_RUNS = 4;
const POLL_MS = 1000;

/**
 * Finds backfill runs to do and does them: per store one instance at a time (a lease renewed after every page),
 * resource by resource, page by page, each page published to the backfill topics before its checkpoint is
 * written — so a crash repeats at most one page (consumers are idempotent) and never skips one. Requests go at
 * `bulk` priority: the rate limiter keeps room for the store's live traffic.
 */
@Injectable()
export class BackfillWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackfillWorker.name);
  private readonly owner = `backfill:${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly task = new PeriodicTask(() => this.startRuns(), {
    name: 'backfill poll',
    everyMs: POLL_MS,
    logger: this.logger,
  });
  private readonly backoff = new StoreRetryBackoff();
  private stopped = false;

  constructor(
    private readonly runs: BackfillRunsRepository,
    private readonly stores: StoresRepository,
    private readonly salla: SallaApiClient,
    private readonly leases: MongoLeases,
    private readonly canonical: CanonicalPublisher,
    private readonly publisher: EventPublisher,
    private readonly activity: ActivityLog,
    @Inject(APP_CONFIG) private readonly config: SallaConnectorEnv,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
    // A run stops at its next page boundary; its lease lapses and the checkpoint lets anyone resume.
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts runs that no instance is working on, up to the concurrency cap. */
  poll(): Promise<void> {
    return this.task.runNow();
  }

  private async startRuns(): Promise<void> {
    if (this.inFlight.size >= MAX_CONCURRENT_RUNS) return;
    for (const run of await this.runs.active(50)) {
      if (this.stopped || this.inFlight.size >= MAX_CONCURRENT_RUNS) break;
      if (this.inFlight.has(run.storeId) || !this.backoff.ready(run.storeId)) continue;
      const lease = this.leaseKey(run.storeId);
      if (!(await this.leases.tryAcquire(lease, this.owner, this.config.BACKFILL_LEASE_TTL_MS))) continue;
      const work = this.execute(run)
        .catch((err: unknown) =>
          this.logger.warn({
            msg: 'backfill run interrupted; resumes from its checkpoint',
            storeId: run.storeId,
            err,
          }),
        )
        .finally(() => {
          this.inFlight.delete(run.storeId);
          // Best effort: with the database down the release fails, and the lease simply expires.
          this.leases.release(lease, this.owner).catch(() => undefined);
        });
      this.inFlight.set(run.storeId, work);
    }
  }

  private leaseKey(storeId: string): string {
    return `salla-backfill:${storeId}`;
  }

  private async execute(snapshot: Stored<BackfillRun>): Promise<void> {
    const { storeId, runId } = snapshot;
    // Re-read under the lease: the snapshot may predate another instance's progress.
    const run = await this.runs.get(storeId, runId);
    if (!run || (run.state !== 'pending' && run.state !== 'running')) return;
    if (run.state === 'pending') {
      await this.runs.markStarted(storeId, runId, new Date());
      await this.activity.record(storeId, {
        direction: 'salla_to_odoo',
        entityType: 'store',
        entityId: storeId,
        outcome: 'ok',
        message: `Backfill ${runId} started (${run.resources.join(', ')}) by ${run.requestedBy}`,
        eventId: randomUUID(),
      });
    }
    const currency = (await this.stores.get(storeId))?.currency ?? 'SAR';
    try {
      for (const resource of run.resources) {
        const progress = run.progress[resource] ?? {
          state: 'pending',
          page: 0,
          done: 0,
          total: null,
          failed: 0,
        };
        if (progress.state === 'completed') continue;
        const finished = await this.backfillResource(run, resource, progress, currency);
        if (!finished) return; // stopping: the lease lapses and the run resumes from the checkpoint
      }
      this.backoff.succeeded(storeId);
      await this.end(run, 'completed', { outcome: 'ok', message: `Backfill ${runId} completed` });
    } catch (err) {
      if (err instanceof StoreNotCallableError) {
        await this.end(run, 'cancelled', {
          outcome: 'skipped',
          errorCode: 'salla.store_not_callable',
          message: `Backfill stopped: Salla cannot be called for this store (${err.reason})`,
        });
        return;
      }
      if (err instanceof SallaApiError && err.permanent) {
        // A refused scope, a token Salla no longer takes after renewal, an answer that is not a list: asking
        // again changes nothing, so the run ends saying why instead of asking every second for ever.
        await this.end(run, 'failed', {
          outcome: 'failed',
          errorCode: 'salla.backfill_refused',
          message: `Backfill stopped: ${err.message}. Once the cause is fixed (for example the app's permissions in Salla), start the backfill again`,
        });
        return;
      }
      // Transient (Salla down, rate limited beyond the retries): the run stays open and is picked up again
      // after the store's backoff.
      const retryInMs = this.backoff.failed(storeId);
      this.logger.warn({
        msg: 'backfill paused by an error; resumes from its checkpoint',
        storeId,
        runId,
        retryInMs,
        err,
      });
    }
  }

  /** Ends the run in `state` and says so in the store's activity log. */
  private async end(
    run: Stored<BackfillRun>,
    state: 'completed' | 'cancelled' | 'failed',
    line: { outcome: 'ok' | 'skipped' | 'failed'; errorCode?: string; message: string },
  ): Promise<void> {
    await this.runs.finish(
      run.storeId,
      run.runId,
      state,
      state === 'completed' ? null : line.message,
      new Date(),
    );
    await this.activity.record(run.storeId, {
      direction: 'salla_to_odoo',
      entityType: 'store',
      entityId: run.storeId,
      ...line,
      eventId: randomUUID(),
    });
  }

  /** Emits one resource page by page from its checkpoint; false when the worker is stopping. */
  private async backfillResource(
    run: Stored<BackfillRun>,
    resource: BackfillResource,
    start: ResourceProgress,
    currency: string,
  ): Promise<boolean> {
    const { storeId, runId } = run;
    const source = BACKFILL_SOURCES[resource];
    const origin: EventOrigin = { kind: 'backfill', runId };
    const progress: ResourceProgress = { ...start, state: 'running' };
    const pages = this.salla.paginate<unknown>(storeId, source.path, {
      query: source.query(new Date(run.ordersSince)),
      startPage: start.page + 1,
      priority: 'bulk',
    });
    for await (const page of pages) {
      if (this.stopped) return false;
      const mapped = await source.mapPage(page.items, { storeId, salla: this.salla, currency });
      await this.canonical.publishMany(source.topic, storeId, mapped.payloads as never[], origin);
      for (const failure of mapped.failures) {
        await this.activity.record(storeId, {
          direction: 'salla_to_odoo',
          entityType: resource === 'orders' ? 'order' : resource === 'products' ? 'product' : 'store',
          entityId: failure.id,
          outcome: 'failed',
          errorCode: 'salla.unreadable_record',
          message: `Backfill skipped a ${resource} record: ${failure.reason}`,
          eventId: randomUUID(),
        });
      }
      emitted.add(mapped.payloads.length, { resource, outcome: 'emitted' });
      emitted.add(mapped.failures.length, { resource, outcome: 'failed' });
      progress.page = page.page;
      progress.done += mapped.payloads.length;
      progress.failed += mapped.failures.length;
      progress.total = page.total;
      await this.runs.checkpoint(storeId, runId, resource, progress);
      await this.leases.renew(this.leaseKey(storeId), this.owner, this.config.BACKFILL_LEASE_TTL_MS);
      await this.reportProgress(storeId, runId, resource, progress);
    }
    progress.state = 'completed';
    if (progress.total === null) progress.total = progress.done;
    await this.runs.checkpoint(storeId, runId, resource, progress);
    await this.reportProgress(storeId, runId, resource, progress);
    return true;
  }

  private async reportProgress(
    storeId: string,
    runId: string,
    resource: BackfillResource,
    progress: ResourceProgress,
  ): Promise<void> {
    const event = new BackfillProgress();
    event.runId = runId;
    event.resource = resource;
    event.state = progress.state === 'completed' ? 'completed' : 'running';
    event.done = progress.done;
    if (progress.total !== null) event.total = progress.total;
    event.updatedAt = new Date().toISOString();
    try {
      await this.publisher.publish(
        Topic.OpsBackfillProgress,
        newEnvelope(Topic.OpsBackfillProgress, storeId, event),
        { key: keyFor(storeId) },
      );
    } catch (err) {
      // Progress is also in the run document; a lost progress event only delays the admin view.
      this.logger.warn({ msg: 'backfill progress event lost', storeId, runId, err });
    }
  }
}
