import { Controller, Inject, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { APP_CONFIG } from '@app/config';

import type { GatewayEnv } from '../gateway.env';
import { InFlightLimit } from './in-flight-limit';
import { IntakeResults } from './intake-result';
import { WebhookIntakeUseCase } from './intake.usecase';
import { webhookMetrics } from './webhook-metrics';

/** Salla's webhook URL. Body size (413) and JSON syntax (400) are enforced by Fastify before this runs. */
@Controller('webhooks')
export class SallaWebhookController {
  private readonly limit: InFlightLimit;

  constructor(
    private readonly intake: WebhookIntakeUseCase,
    @Inject(APP_CONFIG) config: GatewayEnv,
  ) {
    this.limit = new InFlightLimit(config.WEBHOOK_MAX_IN_FLIGHT);
  }

  @Post('salla')
  async receive(@Req() req: RawBodyRequest<FastifyRequest>, @Res() reply: FastifyReply): Promise<void> {
    if (!this.limit.tryEnter()) {
      webhookMetrics.shed.add(1);
      const busy = IntakeResults.unavailable(1);
      await reply.header('Retry-After', String(busy.retryAfterSeconds)).status(busy.status).send(busy.body);
      return;
    }
    try {
      const result = await this.intake.execute({
        headers: req.headers,
        rawBody: req.rawBody,
        body: req.body,
      });
      if (result.retryAfterSeconds !== undefined)
        void reply.header('Retry-After', String(result.retryAfterSeconds));
      await reply.status(result.status).send(result.body);
    } finally {
      this.limit.leave();
    }
  }
}
