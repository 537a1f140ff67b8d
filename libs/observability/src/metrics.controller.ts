import { Controller, Get, Header } from '@nestjs/common';

import { getTelemetry, PROMETHEUS_CONTENT_TYPE } from './telemetry';

/** `GET /metrics` in the Prometheus text format, on the app's own HTTP port (Express or Fastify). */
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    const telemetry = getTelemetry();
    if (!telemetry) return '# telemetry not started: call startTelemetry() before creating the app\n';
    return telemetry.metricsText();
  }
}
