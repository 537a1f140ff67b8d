import type { ServiceDefinition } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { SallaConnectorEnv } from './salla-connector.env';
import { SallaConnectorModule } from './salla-connector.module';

export const SallaConnectorService: ServiceDefinition<SallaConnectorEnv> = {
  name: 'salla-connector',
  defaultDbName: 'salla_connector',
  envSchema: SallaConnectorEnv,
  topics: [
    ...PRIVACY_PARTICIPANT_TOPICS,
    // consumed
    Topic.SallaWebhookReceived,
    Topic.StoreAuthorized,
    Topic.StoreSyncReady,
    Topic.BackfillRequested,
    Topic.InventoryLevelSet,
    Topic.SalesOrderStatusSet,
    Topic.OpsStoreKeyRotated,
    // published
    Topic.StoreInstalled,
    Topic.StoreSettingsUpdated,
    Topic.StoreUninstalled,
    Topic.StoreProfileUpdated,
    Topic.CatalogProductUpserted,
    Topic.CatalogProductDeleted,
    Topic.CatalogCategoryUpserted,
    Topic.CatalogCategoryDeleted,
    Topic.InventoryLevelChanged,
    Topic.SalesOrderUpserted,
    Topic.SalesOrderCancelled,
    Topic.SalesOrderRefunded,
    Topic.CustomerUpserted,
    Topic.ShippingMethodUpserted,
    Topic.PaymentMethodUpserted,
    Topic.BackfillCategoryUpserted,
    Topic.BackfillProductUpserted,
    Topic.BackfillShippingMethodUpserted,
    Topic.BackfillPaymentMethodUpserted,
    Topic.BackfillOrderUpserted,
    Topic.OpsSyncResult,
    Topic.OpsBackfillProgress,
    Topic.OpsStoreKeyReencrypted,
  ],
  features: () => [PrivacyParticipantModule.forService('salla-connector'), SallaConnectorModule],
};
