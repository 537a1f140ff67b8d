import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { type EventOrigin, Topic } from '@app/contracts';

import { ActivityLog } from '../activity/activity-log';
import { CanonicalPublisher } from '../activity/canonical-publisher';
import { SallaApiClient } from '../salla-api';
import { StoreNotCallableError } from '../tokens';
import { mapStoreInfo, type SallaStoreInfo } from '../translation';

import { StoresRepository } from './stores.repository';

/**
 * Reads `GET /store/info` and announces the store's name, domain, plan and currency. Runs when the store's
 * tokens arrive and after each app update. The plan it records sets the store's API rate limit.
 */
@Injectable()
export class StoreProfileReader {
  private readonly logger = new Logger(StoreProfileReader.name);

  constructor(
    private readonly salla: SallaApiClient,
    private readonly stores: StoresRepository,
    private readonly canonical: CanonicalPublisher,
    private readonly activity: ActivityLog,
  ) {}

  /** Best effort: a store without tokens yet is read when they arrive; other failures are logged for support. */
  async refresh(storeId: string, origin?: EventOrigin): Promise<void> {
    try {
      const { data } = await this.salla.get<SallaStoreInfo>(storeId, '/store/info', { priority: 'live' });
      const profile = mapStoreInfo(data);
      await this.stores.update(storeId, {
        name: profile.name,
        domain: profile.domain ?? null,
        plan: profile.plan ?? null,
        currency: profile.currency,
        profileReadAt: new Date(),
      });
      await this.canonical.publish(Topic.StoreProfileUpdated, storeId, profile, origin);
    } catch (err) {
      if (err instanceof StoreNotCallableError && err.reason === 'no_tokens') return;
      this.logger.warn({ msg: 'store info not read', storeId, err });
      await this.activity.record(storeId, {
        direction: 'salla_to_odoo',
        entityType: 'store',
        entityId: storeId,
        outcome: 'failed',
        errorCode: 'salla.store_info',
        message: `Could not read the store's information from Salla: ${err instanceof Error ? err.message : String(err)}`,
        eventId: randomUUID(),
      });
    }
  }
}
