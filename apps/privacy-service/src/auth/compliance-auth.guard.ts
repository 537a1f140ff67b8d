import { createHash, timingSafeEqual } from 'node:crypto';

import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { APP_CONFIG } from '@app/config';

import { apiTokensOf, type PrivacyServiceEnv } from '../privacy-service.env';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * The compliance role: `Authorization: Bearer <token>` must match one of PRIVACY_API_TOKENS. Compared as
 * SHA-256 digests with `timingSafeEqual` against every configured token (no early exit), so neither the
 * token's length nor which token matched leaks through timing. The token is never logged or echoed.
 */
@Injectable()
export class ComplianceAuthGuard implements CanActivate {
  readonly #tokens: Buffer[];

  constructor(@Inject(APP_CONFIG) config: PrivacyServiceEnv) {
    this.#tokens = apiTokensOf(config).map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match && this.matches(match[1])) return true;
    throw new UnauthorizedException('a valid compliance bearer token is required');
  }

  private matches(token: string): boolean {
    const given = digest(token);
    let ok = false;
    for (const known of this.#tokens) ok = timingSafeEqual(given, known) || ok;
    return ok;
  }
}
