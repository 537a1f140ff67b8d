import { randomUUID } from 'node:crypto';

import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IsString, MaxLength, MinLength } from 'class-validator';

import { keyFor, OdooConnectionCheckRequested, StoreKeyRotationRequested, Topic } from '@app/contracts';
import { EventPublisher, newEnvelope } from '@app/messaging';

import { nestPathOf } from '../admin-routes';
import { AdminRoute } from '../auth/admin-route.decorator';
import { actorLabel, PRINCIPAL_FIELD, type WithPrincipal } from '../auth/principal';
import { storeIdParam, validInput } from '../http/validate-input';

export class KeyRotationBody {
  @IsString()
  @MinLength(5)
  @MaxLength(500)
  reason!: string;
}

/**
 * Commands to other services. The gateway only publishes them (acked, 202 with the request id); the Odoo
 * connector's connection check and every service's key rotation consume them (built in later issues).
 */
@Controller('admin/v1')
export class CommandsController {
  constructor(private readonly publisher: EventPublisher) {}

  @Post(nestPathOf('checkOdooConnection'))
  @AdminRoute('checkOdooConnection')
  @HttpCode(202)
  async checkOdoo(@Param('id') id: string, @Req() req: FastifyRequest & WithPrincipal): Promise<unknown> {
    const storeId = storeIdParam(id);
    const payload = Object.assign(new OdooConnectionCheckRequested(), {
      requestId: randomUUID(),
      requestedBy: actorLabel(req[PRINCIPAL_FIELD]!),
      requestedAt: new Date().toISOString(),
    });
    await this.publish(Topic.OpsOdooConnectionCheckRequested, storeId, payload);
    return { requestId: payload.requestId, status: 'requested' };
  }

  @Post(nestPathOf('rotateStoreKey'))
  @AdminRoute('rotateStoreKey')
  @HttpCode(202)
  async rotateKey(
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: FastifyRequest & WithPrincipal,
  ): Promise<unknown> {
    const storeId = storeIdParam(id);
    const body = await validInput(KeyRotationBody, raw);
    const payload = Object.assign(new StoreKeyRotationRequested(), {
      requestId: randomUUID(),
      requestedBy: actorLabel(req[PRINCIPAL_FIELD]!),
      reason: body.reason,
      requestedAt: new Date().toISOString(),
    });
    await this.publish(Topic.OpsStoreKeyRotationRequested, storeId, payload);
    return { requestId: payload.requestId, status: 'requested' };
  }

  private async publish(topic: Topic, storeId: string, payload: object): Promise<void> {
    await this.publisher.publish(topic, newEnvelope(topic, storeId, payload), { key: keyFor(storeId) });
  }
}
