import type { Provider } from '@nestjs/common';

import { MongoConnection, MongoLeases, registerLeaseModel, type ModelDefinition } from '@app/persistence';

import { ConnectedStores } from './connected-stores';
import { DELIVERED_ORDER_MODEL, deliveredOrderSchema } from './delivered-orders.schema';
import { DeliveredOrdersRepository } from './delivered-orders.repository';
import { DeliveriesPass } from './deliveries.pass';
import { OdooDeliveriesReader } from './odoo-deliveries-reader';
import { OdooStockReader } from './odoo-stock-reader';
import { SALLA_STOCK_LEDGER_MODEL, sallaStockLedgerSchema } from './salla-stock-ledger.schema';
import { SallaStockLedgerRepository } from './salla-stock-ledger.repository';
import { SallaStockLevelsHandler } from './salla-stock-levels.handler';
import { StockLevelsPass } from './stock-levels.pass';
import { StockPoller } from './stock-poller';
import { STOCK_SYNC_STATE_MODEL, stockSyncStateSchema } from './stock-sync-state.schema';
import { StockSyncStateRepository } from './stock-sync-state.repository';

export { StockPoller, type PollOutcome } from './stock-poller';
export { SallaStockLedgerRepository } from './salla-stock-ledger.repository';
export { StockSyncStateRepository } from './stock-sync-state.repository';
export { DeliveredOrdersRepository } from './delivered-orders.repository';

/** Odoo → Salla: the stock poll and delivery-done statuses, wired into the odoo-connector module. */
export const STOCK_SYNC_MODELS: ModelDefinition[] = [
  { name: STOCK_SYNC_STATE_MODEL, schema: stockSyncStateSchema },
  { name: SALLA_STOCK_LEDGER_MODEL, schema: sallaStockLedgerSchema },
  { name: DELIVERED_ORDER_MODEL, schema: deliveredOrderSchema },
];

export const STOCK_SYNC_CONTROLLERS = [SallaStockLevelsHandler];

export const STOCK_SYNC_PROVIDERS: Provider[] = [
  {
    provide: MongoLeases,
    inject: [MongoConnection],
    useFactory: (mongo: MongoConnection) => new MongoLeases(registerLeaseModel(mongo)),
  },
  ConnectedStores,
  StockSyncStateRepository,
  SallaStockLedgerRepository,
  DeliveredOrdersRepository,
  OdooStockReader,
  OdooDeliveriesReader,
  StockLevelsPass,
  DeliveriesPass,
  StockPoller,
];
