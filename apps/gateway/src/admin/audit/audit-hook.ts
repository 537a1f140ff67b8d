import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { describeError } from '@app/messaging';

import { ADMIN_PREFIX } from '../admin-routes';
import { PRINCIPAL_FIELD, type WithPrincipal } from '../auth/principal';
import { STORE_ID_PATTERN } from '../grants/business-data-access';
import { AdminAuditRepository } from './admin-audit.repository';
import type { AdminAuditRecord } from './admin-audit.schema';

const outcomeOf = (status: number): AdminAuditRecord['outcome'] =>
  status >= 500 ? 'failed' : status === 401 || status === 403 || status === 429 ? 'denied' : 'allowed';

/**
 * Records every request under /admin/v1 — refused ones included — once its answer is sent, with the final
 * status. A Fastify `onResponse` hook and not a Nest interceptor, because guards run before interceptors:
 * a 401/403/429 from the guard would otherwise go unrecorded. A failed audit write is logged, not retried:
 * the answer is already out.
 */
@Injectable()
export class AdminAuditHook implements OnModuleInit {
  private readonly logger = new Logger(AdminAuditHook.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AdminAuditRepository,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      const path = req.url.split('?')[0] ?? '';
      if (path !== ADMIN_PREFIX && !path.startsWith(`${ADMIN_PREFIX}/`)) return;
      try {
        await this.audit.record(this.recordOf(req, reply.statusCode));
      } catch (err) {
        this.logger.error(`admin audit record not written: ${describeError(err)}`);
      }
    });
  }

  private recordOf(req: FastifyRequest & WithPrincipal, status: number): AdminAuditRecord {
    const principal = req[PRINCIPAL_FIELD];
    const params = (req.params ?? {}) as Record<string, unknown>;
    const storeId =
      typeof params.id === 'string' &&
      STORE_ID_PATTERN.test(params.id) &&
      req.routeOptions.url?.startsWith(`${ADMIN_PREFIX}/stores/:id`)
        ? params.id
        : undefined;
    const userAgent = req.headers['user-agent'];
    return {
      at: new Date(),
      ...(principal ? { actor: principal.name, via: principal.via } : {}),
      roles: principal?.roles ?? [],
      ...(storeId ? { storeId } : {}),
      method: req.method,
      // Unknown paths have no template; keep a fixed label rather than echoing whatever was requested.
      route: req.routeOptions.url ?? `${ADMIN_PREFIX}/*`,
      ip: req.ip,
      ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, 512) } : {}),
      status,
      outcome: outcomeOf(status),
    };
  }
}
