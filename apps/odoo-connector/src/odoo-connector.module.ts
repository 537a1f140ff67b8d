import { Module } from '@nestjs/common';

import { PersistenceModule } from '@app/persistence';

import { ActivityLog } from './activity/activity-log';
import { BindingCacheRepository } from './bindings/binding-cache.repository';
import { ODOO_BINDING_MODEL, odooBindingSchema } from './bindings/binding-cache.schema';
import { BatchBindings } from './bindings/batch-bindings';
import { OdooBindings } from './bindings/odoo-bindings';
import { ConnectionChecker } from './connections/connection-checker';
import { ConnectionCheckRequestedHandler } from './connections/connection-check-requested.handler';
import { ConnectionKeyRotationHandler } from './connections/connection-key-rotation.handler';
import { ConnectionSettingsHandler } from './connections/connection-settings.handler';
import { ODOO_CONNECTION_MODEL, odooConnectionSchema } from './connections/odoo-connection.schema';
import { OdooClients } from './connections/odoo-clients';
import { OdooConnectionsRepository } from './connections/odoo-connections.repository';
import { BackfillBatchHandler } from './sync/backfill-batch.handler';
import { CarriersAndPayments } from './sync/carriers-and-payments';
import { CatalogBatch } from './sync/catalog-batch';
import { OdooLookups } from './sync/odoo-lookups';
import { Orders } from './sync/orders';
import { PAYMENT_SYNC_MODELS, PAYMENT_SYNC_PROVIDERS } from './sync/payment-sync.providers';
import { Partners } from './sync/partners';
import { ProductVariants } from './sync/product-variants';
import { Products } from './sync/products';
import { StoreBatchCoalescer } from './sync/store-batch-coalescer';
import { SyncEventsHandler } from './sync/sync-events.handler';
import { SyncRunner } from './sync/sync-runner';
import { STOCK_SYNC_CONTROLLERS, STOCK_SYNC_MODELS, STOCK_SYNC_PROVIDERS } from './stock-sync';

/** Everything the Odoo connector does: connection settings, bindings and the Salla → Odoo sync. */
@Module({
  imports: [
    PersistenceModule.forFeature([
      { name: ODOO_CONNECTION_MODEL, schema: odooConnectionSchema },
      { name: ODOO_BINDING_MODEL, schema: odooBindingSchema },
      ...PAYMENT_SYNC_MODELS,
      ...STOCK_SYNC_MODELS,
    ]),
  ],
  controllers: [
    ConnectionSettingsHandler,
    ConnectionKeyRotationHandler,
    ConnectionCheckRequestedHandler,
    SyncEventsHandler,
    BackfillBatchHandler,
    ...STOCK_SYNC_CONTROLLERS,
  ],
  providers: [
    ActivityLog,
    OdooConnectionsRepository,
    ConnectionChecker,
    OdooClients,
    BindingCacheRepository,
    OdooBindings,
    BatchBindings,
    OdooLookups,
    Partners,
    Products,
    ProductVariants,
    Orders,
    CarriersAndPayments,
    SyncRunner,
    CatalogBatch,
    StoreBatchCoalescer,
    ...PAYMENT_SYNC_PROVIDERS,
    ...STOCK_SYNC_PROVIDERS,
  ],
})
export class OdooConnectorModule {}
