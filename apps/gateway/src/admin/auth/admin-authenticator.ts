import { Inject, Injectable, Logger } from '@nestjs/common';

import { ADMIN_SETTINGS, type AdminSettings } from '../admin-settings';
import { principalForApiKey } from './api-keys';
import { JwksCache } from './jwks-cache';
import { JwtRejected, JwtVerifier } from './jwt-verifier';
import type { AdminPrincipal } from './principal';

type Headers = Record<string, string | string[] | undefined>;

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);

/**
 * Turns the request's credentials into a principal: `X-API-Key: <key>`, or `Authorization: Bearer <token>`
 * where the token is a JWT (three dot-separated parts) or an API key. Null means "answer 401"; why is logged
 * at debug level without the credential.
 */
@Injectable()
export class AdminAuthenticator {
  private readonly logger = new Logger(AdminAuthenticator.name);
  private readonly jwt: JwtVerifier | null;

  constructor(@Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings) {
    const jwt = settings.jwt;
    this.jwt = jwt
      ? new JwtVerifier(new JwksCache(jwt.jwksUrl), {
          issuer: jwt.issuer,
          audience: jwt.audience,
          rolesClaim: jwt.rolesClaim,
        })
      : null;
  }

  async authenticate(headers: Headers): Promise<AdminPrincipal | null> {
    const apiKey = single(headers['x-api-key']);
    if (apiKey) return principalForApiKey(this.settings.apiKeys, apiKey);
    const authorization = single(headers.authorization);
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match?.[1]) return null;
    const token = match[1];
    if (token.split('.').length !== 3) return principalForApiKey(this.settings.apiKeys, token);
    if (!this.jwt) return null;
    try {
      return await this.jwt.verify(token);
    } catch (err) {
      const why = err instanceof JwtRejected ? err.message : 'JWKS unavailable';
      this.logger.debug(`admin JWT refused: ${why}`);
      return null;
    }
  }
}
