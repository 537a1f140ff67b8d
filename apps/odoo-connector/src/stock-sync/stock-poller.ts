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
import { MongoLeases } from '@app/persistence';

import { ActivityLog } from '../activity/activity-log';
import { OdooClients } from '../connections/odoo-clients';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import { ConnectedStores } from './connected-stores';
import { DeliveriesPass, type OrderStatusSent } from './deliveries.pass';
import { StockLevelsPass, type StockLevelSent } from './stock-levels.pass';
import { problemOf } from './stock-sync-problem';
import { StockSyncStateRepository } from './stock-sync-state.repository';

/** A poll holds its store's lease this long, renewed after every page; a crashed holder blocks no longer. */
const LEASE_TTL_MS = 120_000;
/** Stores polled at once by one instance (each Odoo also has its own call cap). */
const STORES_IN_PARALLEL = 4;

export type PollOutcome =
  | { status: 'ok'; stockLevels: StockLevelSent[]; orderStatuses: OrderStatusSent[] }
  /** Not connected, sync off, or another instance is polling the store right now. */
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; errorCode: string | null };

class LeaseLostError extends Error {
  constructor(storeId: string) {
    super(`the stock poll lease of store ${storeId} was taken over by another instance`);
  }
}

/**
 * Polls every connected store's Odoo on ODOO_STOCK_POLL_INTERVAL_MS: stock levels, then finished deliveries
 * (see StockLevelsPass, DeliveriesPass). Among any number of instances one polls a given store at a time
 * (a Mongo lease). A poll that fails is reported to the merchant's activity log when the store's state
 * changes (working → failing, one failure → another, failing → working), not on every tick.
 */
@Injectable()
export class StockPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StockPoller.name);
  private readonly owner = `odoo-stock-poll:${randomUUID()}`;
  private readonly inFlight = new Map<string, Promise<PollOutcome>>();
  private readonly task: PeriodicTask;
  private stopped = false;

  constructor(
    private readonly stores: ConnectedStores,
    private readonly clients: OdooClients,
    private readonly leases: MongoLeases,
    private readonly states: StockSyncStateRepository,
    private readonly stockLevels: StockLevelsPass,
    private readonly deliveries: DeliveriesPass,
    private readonly activity: ActivityLog,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {
    this.task = new PeriodicTask(() => this.round(), {
      name: 'stock poll round',
      everyMs: config.ODOO_STOCK_POLL_INTERVAL_MS,
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.ODOO_STOCK_POLL_INTERVAL_MS > 0) this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** One scheduling round over the connected stores; a round still running when the next tick comes is kept. */
  pollAll(): Promise<void> {
    return this.task.runNow();
  }

  private async round(): Promise<void> {
    const queue = await this.stores.ids();
    const worker = async (): Promise<void> => {
      for (let storeId = queue.shift(); storeId && !this.stopped; storeId = queue.shift()) {
        await this.pollStore(storeId);
      }
    };
    await Promise.all(Array.from({ length: STORES_IN_PARALLEL }, worker));
  }

  /** Polls one store now (also what the scheduler does); concurrent calls for one store share one poll. */
  pollStore(storeId: string): Promise<PollOutcome> {
    let poll = this.inFlight.get(storeId);
    if (!poll) {
      poll = this.pollOnce(storeId).finally(() => this.inFlight.delete(storeId));
      this.inFlight.set(storeId, poll);
    }
    return poll;
  }

  private async pollOnce(storeId: string): Promise<PollOutcome> {
    const lease = `odoo-stock-poll:${storeId}`;
    try {
      const odoo = await this.clients.forStore(storeId);
      if (!odoo.client) return { status: 'skipped', reason: odoo.reason };
      if (!(await this.leases.tryAcquire(lease, this.owner, LEASE_TTL_MS))) {
        return { status: 'skipped', reason: 'another instance is polling this store' };
      }
      const state = await this.states.forOdoo(storeId, odoo.client.stamp);
      const keepLease = async (): Promise<void> => {
        if (!(await this.leases.renew(lease, this.owner, LEASE_TTL_MS))) throw new LeaseLostError(storeId);
      };
      try {
        const stockLocationId = odoo.connection.stockLocationId ?? null;
        const context = { storeId, client: odoo.client, state, stockLocationId, keepLease };
        const stockLevels = await this.stockLevels.run(context);
        const orderStatuses = await this.deliveries.run(context);
        if (state?.problem) await this.reportRecovered(storeId);
        return { status: 'ok', stockLevels, orderStatuses };
      } catch (err) {
        return {
          status: 'failed',
          errorCode: await this.reportFailure(storeId, state?.problem ?? null, err),
        };
      } finally {
        // Best effort: with the database down the release fails and the lease simply expires.
        await this.leases.release(lease, this.owner).catch(() => undefined);
      }
    } catch (err) {
      this.logger.warn({
        msg: 'stock poll failed before reaching Odoo; the next round retries',
        storeId,
        err,
      });
      return { status: 'failed', errorCode: null };
    }
  }

  private async reportFailure(
    storeId: string,
    reported: string | null,
    err: unknown,
  ): Promise<string | null> {
    const problem = problemOf(err);
    if (!problem) {
      this.logger.warn({
        msg: 'stock poll interrupted; the next round resumes from the cursor',
        storeId,
        err,
      });
      return null;
    }
    this.logger.warn({ msg: 'stock poll failed', storeId, errorCode: problem.code });
    if (problem.code !== reported) {
      await this.activity.record(storeId, {
        direction: 'odoo_to_salla',
        entityType: 'inventory',
        entityId: storeId,
        outcome: 'failed',
        message: problem.message,
        errorCode: problem.code,
        eventId: randomUUID(),
      });
      await this.states.patch(storeId, { problem: problem.code });
    }
    return problem.code;
  }

  private async reportRecovered(storeId: string): Promise<void> {
    await this.activity.record(storeId, {
      direction: 'odoo_to_salla',
      entityType: 'inventory',
      entityId: storeId,
      outcome: 'ok',
      message: 'Stock and delivery updates from Odoo to Salla work again',
      eventId: randomUUID(),
    });
    await this.states.patch(storeId, { problem: null });
  }
}
