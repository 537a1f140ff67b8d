import { Module } from '@nestjs/common';

/** Custom-mode OAuth install: GET /oauth/salla/install and /oauth/salla/callback. */
@Module({})
export class OAuthModule {}
