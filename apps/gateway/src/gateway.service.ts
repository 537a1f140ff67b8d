import type { ServiceDefinition } from '@app/bootstrap';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { GatewayEnv } from './gateway.env';

export const GatewayService: ServiceDefinition<GatewayEnv> = {
  name: 'gateway',
  defaultDbName: 'gateway',
  envSchema: GatewayEnv,
  topics: [...PRIVACY_PARTICIPANT_TOPICS],
  features: () => [PrivacyParticipantModule.forService('gateway')],
  // Webhook signatures are computed over the exact bytes Salla sent, so the raw body must survive parsing.
  http: (config) => ({ bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES, rawBody: true }),
};
