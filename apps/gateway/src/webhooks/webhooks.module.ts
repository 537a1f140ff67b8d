import { Module } from '@nestjs/common';

import { PersistenceModule } from '@app/persistence';

import { DELIVERY_CLAIM_MODEL, deliveryClaimSchema } from './delivery-claim.schema';
import { DeliveryClaimsRepository } from './delivery-claims.repository';
import { DeliveryClaimsSweeper } from './delivery-claims.sweeper';
import { ErasedStoreGate } from './erased-store-gate';
import { WebhookIntakeUseCase } from './intake.usecase';
import { WebhookPublisher } from './publish-webhook';
import { SallaWebhookController } from './salla-webhook.controller';

/** Salla webhook intake: POST /webhooks/salla (see WebhookIntakeUseCase). */
@Module({
  imports: [PersistenceModule.forFeature([{ name: DELIVERY_CLAIM_MODEL, schema: deliveryClaimSchema }])],
  controllers: [SallaWebhookController],
  providers: [
    WebhookIntakeUseCase,
    WebhookPublisher,
    DeliveryClaimsRepository,
    DeliveryClaimsSweeper,
    ErasedStoreGate,
  ],
})
export class WebhooksModule {}
