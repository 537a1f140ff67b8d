import type { ServiceDefinition } from '@app/bootstrap';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { OdooConnectorEnv } from './odoo-connector.env';

export const OdooConnectorService: ServiceDefinition<OdooConnectorEnv> = {
  name: 'odoo-connector',
  defaultDbName: 'odoo_connector',
  envSchema: OdooConnectorEnv,
  topics: [...PRIVACY_PARTICIPANT_TOPICS],
  features: () => [PrivacyParticipantModule.forService('odoo-connector')],
};
