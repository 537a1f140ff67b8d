import type { ServiceDefinition } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { PRIVACY_PARTICIPANT_TOPICS, PrivacyParticipantModule } from '@app/privacy-participant';

import { ADMIN_TOPICS, AdminModule } from './admin/admin.module';
import { GatewayEnv } from './gateway.env';
import { OAuthModule } from './oauth/oauth.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export const GatewayService: ServiceDefinition<GatewayEnv> = {
  name: 'gateway',
  defaultDbName: 'gateway',
  envSchema: GatewayEnv,
  topics: [...PRIVACY_PARTICIPANT_TOPICS, Topic.SallaWebhookReceived, Topic.StoreAuthorized, ...ADMIN_TOPICS],
  features: () => [PrivacyParticipantModule.forService('gateway'), WebhooksModule, OAuthModule, AdminModule],
  // Webhook signatures are computed over the exact bytes Salla sent, so the raw body must survive parsing.
  http: (config) => ({ bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES, rawBody: true }),
};
