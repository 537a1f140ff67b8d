import { randomUUID } from 'node:crypto';

import {
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { isDuplicateKeyError, type Stored } from '@app/persistence';

import { nestPathOf } from '../admin-routes';
import { ADMIN_SETTINGS, type AdminSettings } from '../admin-settings';
import { AdminRoute } from '../auth/admin-route.decorator';
import { actorLabel, PRINCIPAL_FIELD, type AdminPrincipal, type WithPrincipal } from '../auth/principal';
import { storeIdParam, validInput } from '../http/validate-input';
import type { AccessGrant } from './access-grant.schema';
import { AccessGrantsRepository } from './access-grants.repository';
import { MerchantGrantBody, OperatorGrantBody } from './grants.dto';
import { verifyMerchantGrant } from './merchant-grant-token';

type AdminRequest = FastifyRequest & WithPrincipal;

const HOUR_MS = 3600_000;

function present(g: Stored<AccessGrant>, now = new Date()): Record<string, unknown> {
  return {
    grantId: g.grantId,
    source: g.source,
    grantedBy: g.grantedBy,
    reason: g.reason,
    grantedAt: g.createdAt?.toISOString() ?? null,
    expiresAt: g.expiresAt.toISOString(),
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedBy: g.revokedBy ?? null,
    active: !g.revokedAt && g.expiresAt > now,
  };
}

function principalOf(req: AdminRequest): AdminPrincipal {
  const p = req[PRINCIPAL_FIELD];
  if (!p) throw new ForbiddenException(); // the guard always sets it; never reached
  return p;
}

@Controller('admin/v1')
export class GrantsController {
  constructor(
    private readonly grants: AccessGrantsRepository,
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
  ) {}

  @Get(nestPathOf('listGrants'))
  @AdminRoute('listGrants')
  async list(@Param('id') id: string): Promise<unknown> {
    return { items: (await this.grants.list(storeIdParam(id))).map((g) => present(g)) };
  }

  @Post(nestPathOf('createOperatorGrant'))
  @AdminRoute('createOperatorGrant')
  async grantByOperator(
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() req: AdminRequest,
  ): Promise<unknown> {
    const storeId = storeIdParam(id);
    const body = await validInput(OperatorGrantBody, raw);
    const grant = await this.grants.insert(storeId, {
      grantId: randomUUID(),
      source: 'operator',
      grantedBy: actorLabel(principalOf(req)),
      reason: body.reason,
      expiresAt: new Date(Date.now() + body.durationHours * HOUR_MS),
    });
    return present(grant);
  }

  /**
   * The merchant's consent arrives as a token the app signed (HMAC with ADMIN_MERCHANT_GRANT_SECRET); its
   * nonce becomes the grant id, so one link grants once. A bad, foreign or expired token is a bare 403.
   */
  @Post(nestPathOf('redeemMerchantGrant'))
  @AdminRoute('redeemMerchantGrant')
  async grantByMerchant(@Param('id') id: string, @Body() raw: unknown): Promise<unknown> {
    const storeId = storeIdParam(id);
    const body = await validInput(MerchantGrantBody, raw);
    const secret = this.settings.merchantGrantSecret;
    const claims = secret ? verifyMerchantGrant(body.token, storeId, secret) : null;
    if (!claims) throw new ForbiddenException();
    try {
      const grant = await this.grants.insert(storeId, {
        grantId: claims.nonce,
        source: 'merchant',
        grantedBy: 'merchant',
        reason: 'granted by the merchant',
        expiresAt: new Date(Date.now() + claims.grantSeconds * 1000),
      });
      return present(grant);
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new ConflictException('this access link was already used');
      throw err;
    }
  }

  @Delete(nestPathOf('revokeGrant'))
  @AdminRoute('revokeGrant')
  @HttpCode(204)
  async revoke(
    @Param('id') id: string,
    @Param('grantId') grantId: string,
    @Req() req: AdminRequest,
  ): Promise<void> {
    const storeId = storeIdParam(id);
    if (!(await this.grants.revoke(storeId, grantId.slice(0, 128), actorLabel(principalOf(req)))))
      throw new NotFoundException();
  }
}
