import type { ServiceDefinition } from '@app/bootstrap';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { SallaConnectorEnv } from './salla-connector.env';

export const SallaConnectorService: ServiceDefinition<SallaConnectorEnv> = {
  name: 'salla-connector',
  defaultDbName: 'salla_connector',
  envSchema: SallaConnectorEnv,
  topics: [...PRIVACY_PARTICIPANT_TOPICS],
  features: () => [PrivacyParticipantModule.forService('salla-connector')],
};
