import { Controller, Get } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';

import { ReadinessService } from './readiness.service';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessService,
  ) {}

  /** Liveness: the process answers, nothing else. Never consults a dependency, so a Mongo outage cannot get pods restarted. */
  @Get('live')
  @HealthCheck()
  live(): HealthCheckResult {
    const process = { process: { status: 'up' as const } };
    return { status: 'ok', info: process, error: {}, details: process };
  }

  /** Readiness: 200 when every probe is up; 503 with terminus's body naming each failing dependency and why. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readiness.indicators());
  }
}
