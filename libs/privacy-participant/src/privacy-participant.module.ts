import { type DynamicModule, Module } from '@nestjs/common';

import { Topic } from '@app/contracts';

import { ErasureRequestHandler, PARTICIPANT_SERVICE_NAME } from './erasure-request.handler';
import { StoreDataEraser } from './store-data-eraser';

/** Topics a participant consumes and publishes; add them to the service's declared topics. */
export const PRIVACY_PARTICIPANT_TOPICS = [
  Topic.PrivacyErasureRequested,
  Topic.PrivacyErasureCompleted,
] as const;

/** Makes a service answer `privacy.erasure.requested.v1` for the data in its own database. */
@Module({})
export class PrivacyParticipantModule {
  static forService(service: string): DynamicModule {
    return {
      module: PrivacyParticipantModule,
      controllers: [ErasureRequestHandler],
      providers: [StoreDataEraser, { provide: PARTICIPANT_SERVICE_NAME, useValue: service }],
      exports: [StoreDataEraser],
    };
  }
}
