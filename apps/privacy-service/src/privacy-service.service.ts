import type { ServiceDefinition } from '@app/bootstrap';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { PrivacyServiceEnv } from './privacy-service.env';

export const PrivacyServiceService: ServiceDefinition<PrivacyServiceEnv> = {
  name: 'privacy-service',
  defaultDbName: 'privacy',
  envSchema: PrivacyServiceEnv,
  topics: [...PRIVACY_PARTICIPANT_TOPICS],
  features: () => [PrivacyParticipantModule.forService('privacy-service')],
};
