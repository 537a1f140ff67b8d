import type { ServiceDefinition } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { PrivacyModule } from './privacy.module';
import { PrivacyServiceEnv } from './privacy-service.env';

export const PrivacyServiceService: ServiceDefinition<PrivacyServiceEnv> = {
  name: 'privacy-service',
  defaultDbName: 'privacy',
  envSchema: PrivacyServiceEnv,
  topics: [
    ...PRIVACY_PARTICIPANT_TOPICS,
    Topic.StoreUninstalled,
    Topic.OpsStoreKeyRotationRequested,
    Topic.OpsStoreKeyRotated,
    Topic.OpsStoreKeyReencrypted,
    Topic.OpsSyncResult,
  ],
  features: () => [PrivacyParticipantModule.forService('privacy-service'), PrivacyModule],
};
