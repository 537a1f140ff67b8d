import { Controller, Get, Inject } from '@nestjs/common';

import { nestPathOf } from '../admin-routes';
import { ADMIN_SETTINGS, type AdminSettings } from '../admin-settings';
import { AdminRoute } from '../auth/admin-route.decorator';

interface ServiceHealth {
  name: string;
  status: 'up' | 'down';
  httpStatus: number | null;
  /** The service's own readiness body (it names failing dependencies), or why it could not be reached. */
  detail: unknown;
}

const TIMEOUT_MS = 3000;

/** Calls every configured service's /health/ready in parallel, each bounded by 3 s. */
@Controller('admin/v1')
export class HealthOverviewController {
  constructor(@Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings) {}

  @Get(nestPathOf('healthOverview'))
  @AdminRoute('healthOverview')
  async overview(): Promise<unknown> {
    const services = await Promise.all(this.settings.services.map((s) => this.probe(s.name, s.url)));
    return {
      status: services.every((s) => s.status === 'up') ? 'ok' : 'degraded',
      checkedAt: new Date().toISOString(),
      services,
    };
  }

  private async probe(name: string, url: string): Promise<ServiceHealth> {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = await res.text();
      let detail: unknown = text.slice(0, 2000);
      try {
        detail = JSON.parse(text);
      } catch {
        // keep the (truncated) text
      }
      return { name, status: res.ok ? 'up' : 'down', httpStatus: res.status, detail };
    } catch (err) {
      const why =
        err instanceof Error && err.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS} ms`
          : 'unreachable';
      return { name, status: 'down', httpStatus: null, detail: why };
    }
  }
}
