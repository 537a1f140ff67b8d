import type { ServiceDefinition } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { OdooConnectorEnv } from './odoo-connector.env';
import { OdooConnectorModule } from './odoo-connector.module';

export const OdooConnectorService: ServiceDefinition<OdooConnectorEnv> = {
  name: 'odoo-connector',
  defaultDbName: 'odoo_connector',
  envSchema: OdooConnectorEnv,
  topics: [
    ...PRIVACY_PARTICIPANT_TOPICS,
    // consumed
    Topic.StoreSettingsUpdated,
    Topic.StoreUninstalled,
    Topic.CatalogCategoryUpserted,
    Topic.CatalogProductUpserted,
    Topic.CustomerUpserted,
    Topic.ShippingMethodUpserted,
    Topic.PaymentMethodUpserted,
    Topic.SalesOrderUpserted,
    Topic.SalesOrderCancelled,
    Topic.SalesOrderRefunded,
    Topic.BackfillCategoryUpserted,
    Topic.BackfillProductUpserted,
    Topic.BackfillShippingMethodUpserted,
    Topic.BackfillPaymentMethodUpserted,
    Topic.BackfillOrderUpserted,
    Topic.OpsStoreKeyRotated,
    Topic.InventoryLevelChanged,
    Topic.OpsOdooConnectionCheckRequested,
    // published
    Topic.StoreSyncReady,
    Topic.OpsSyncResult,
    Topic.OpsStoreKeyReencrypted,
    Topic.InventoryLevelSet,
    Topic.SalesOrderStatusSet,
  ],
  features: () => [PrivacyParticipantModule.forService('odoo-connector'), OdooConnectorModule],
};
