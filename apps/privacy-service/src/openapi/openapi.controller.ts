import { Controller, Get } from '@nestjs/common';

import { PRIVACY_OPENAPI } from './openapi.document';

/** The OpenAPI 3.0 description of /privacy/v1 (public, like the policy). */
@Controller('privacy/v1')
export class OpenApiController {
  @Get('openapi.json')
  document(): typeof PRIVACY_OPENAPI {
    return PRIVACY_OPENAPI;
  }
}
