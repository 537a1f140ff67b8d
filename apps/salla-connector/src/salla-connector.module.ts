import { Module } from '@nestjs/common';

import { PersistenceModule } from '@app/persistence';

import { ActivityLog } from './activity/activity-log';
import { CanonicalPublisher } from './activity/canonical-publisher';
import { BACKFILL_RUN_MODEL, backfillRunSchema } from './backfill/backfill-run.schema';
import { BackfillRunsRepository } from './backfill/backfill-runs.repository';
import { BackfillTriggersHandler } from './backfill/backfill-triggers.handler';
import { BackfillWorker } from './backfill/backfill-worker';
import { OrderStatusHandler } from './order-status/order-status.handler';
import { SallaApiProvider } from './salla-api.provider';
import { PENDING_STOCK_SET_MODEL, pendingStockSetSchema } from './stock/pending-stock-set.schema';
import { PendingStockSetsRepository } from './stock/pending-stock-sets.repository';
import { StockCommandsHandler } from './stock/stock-commands.handler';
import { StockFlusher } from './stock/stock-flusher';
import { SALLA_STORE_MODEL, sallaStoreSchema } from './stores/store.schema';
import { StoreLifecycle } from './stores/store-lifecycle';
import { StoreProfileReader } from './stores/store-profile.reader';
import { StoresRepository } from './stores/stores.repository';
import { TokenRefreshScheduler } from './token-refresh.scheduler';
import { TokenKeyRotationHandler } from './tokens/token-key-rotation.handler';
import { TokenCustodyProviders } from './tokens.providers';
import { SallaWebhookHandler } from './webhooks/salla-webhook.handler';

/** Everything the Salla connector does: webhooks → canonical events, tokens, backfills and commands to Salla. */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: SALLA_STORE_MODEL, schema: sallaStoreSchema },
      { name: PENDING_STOCK_SET_MODEL, schema: pendingStockSetSchema },
      { name: BACKFILL_RUN_MODEL, schema: backfillRunSchema },
    ]),
  ],
  controllers: [
    SallaWebhookHandler,
    StockCommandsHandler,
    OrderStatusHandler,
    BackfillTriggersHandler,
    TokenKeyRotationHandler,
  ],
  providers: [
    ActivityLog,
    CanonicalPublisher,
    StoresRepository,
    StoreProfileReader,
    StoreLifecycle,
    ...TokenCustodyProviders,
    TokenRefreshScheduler,
    SallaApiProvider,
    PendingStockSetsRepository,
    StockFlusher,
    BackfillRunsRepository,
    BackfillWorker,
  ],
})
export class SallaConnectorModule {}
