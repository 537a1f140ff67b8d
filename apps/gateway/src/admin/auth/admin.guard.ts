import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ADMIN_ROUTES, type AdminRouteId } from '../admin-routes';
import { ADMIN_SETTINGS, type AdminSettings } from '../admin-settings';
import { BusinessDataAccess } from '../grants/business-data-access';
import { AdminAuthenticator } from './admin-authenticator';
import { ADMIN_ROUTE_KEY } from './route-key';
import { PRINCIPAL_FIELD, type WithPrincipal } from './principal';
import { TokenBucketLimiter } from './rate-limiter';

/**
 * Enforces ADMIN_ROUTES in order: who are you (401), not too fast (429 + Retry-After), is your role allowed
 * (403), and for business-data routes, does a support agent hold an active grant for this store (403).
 * Error bodies are Nest's bare defaults: they never say which check failed beyond the status.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly limiter: TokenBucketLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: AdminAuthenticator,
    private readonly access: BusinessDataAccess,
    @Inject(ADMIN_SETTINGS) settings: AdminSettings,
  ) {
    this.limiter = new TokenBucketLimiter(settings.ratePerMinute);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const routeId = this.reflector.get<AdminRouteId | undefined>(ADMIN_ROUTE_KEY, context.getHandler());
    if (!routeId) throw new ForbiddenException(); // an admin controller method without a policy is a bug
    const policy = ADMIN_ROUTES[routeId];
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & WithPrincipal>();

    const principal = await this.authenticator.authenticate(req.headers);
    if (!principal) {
      void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException();
    }
    req[PRINCIPAL_FIELD] = principal;

    const rate = this.limiter.take(`${principal.via}:${principal.name}`);
    if (!rate.allowed) {
      void http.getResponse<FastifyReply>().header('Retry-After', String(rate.retryAfterSeconds));
      throw new HttpException('Too Many Requests', HttpStatus.TOO_MANY_REQUESTS);
    }

    if (!principal.roles.some((r) => (policy.roles as readonly string[]).includes(r)))
      throw new ForbiddenException();

    if ('businessData' in policy && policy.businessData) {
      const storeId = (req.params as Record<string, string | undefined>).id ?? '';
      if (!(await this.access.canSee(principal, storeId))) throw new ForbiddenException();
    }
    return true;
  }
}
