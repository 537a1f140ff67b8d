import { Module } from '@nestjs/common';

/** Salla webhook intake: POST /webhooks/salla. */
@Module({})
export class WebhooksModule {}
