import { Controller, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { WebhookIntakeUseCase } from './intake.usecase';

/** Salla's webhook URL. Body size (413) and JSON syntax (400) are enforced by Fastify before this runs. */
@Controller('webhooks')
export class SallaWebhookController {
  constructor(private readonly intake: WebhookIntakeUseCase) {}

  @Post('salla')
  async receive(@Req() req: RawBodyRequest<FastifyRequest>, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.intake.execute({ headers: req.headers, rawBody: req.rawBody, body: req.body });
    if (result.retryAfterSeconds !== undefined)
      void reply.header('Retry-After', String(result.retryAfterSeconds));
    await reply.status(result.status).send(result.body);
  }
}
