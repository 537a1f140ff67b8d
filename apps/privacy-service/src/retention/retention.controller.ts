import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';

import { ComplianceAuthGuard } from '../auth/compliance-auth.guard';
import type { PrivacyServiceEnv } from '../privacy-service.env';
import { retentionRulesOf } from './retention-policy';
import { retentionRunView } from './retention-run-view';
import { RetentionRunsRepository } from './retention-runs.repository';
import { RetentionScheduler } from './retention-scheduler';

@Controller('privacy/v1/retention')
@UseGuards(ComplianceAuthGuard)
export class RetentionController {
  constructor(
    private readonly scheduler: RetentionScheduler,
    private readonly runs: RetentionRunsRepository,
    @Inject(APP_CONFIG) private readonly config: PrivacyServiceEnv,
  ) {}

  @Get('policy')
  policy(): Record<string, unknown> {
    return { rules: retentionRulesOf(this.config), intervalMs: this.config.PRIVACY_RETENTION_INTERVAL_MS };
  }

  /** Starts a run now (besides the schedule); the report fills in as services answer. */
  @Post('runs')
  @HttpCode(202)
  async run(): Promise<Record<string, unknown>> {
    return { runId: await this.scheduler.runNow() };
  }

  @Get('runs/:runId')
  async show(@Param('runId') runId: string): Promise<Record<string, unknown>> {
    const run = await this.runs.byId(runId);
    if (!run) throw new NotFoundException('no such retention run');
    return retentionRunView(run);
  }
}
