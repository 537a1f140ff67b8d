// First import of main.ts: the OpenTelemetry SDK must patch http, kafkajs and mongoose before they load.
import { startTelemetry } from '@app/observability';

startTelemetry({ serviceName: 'odoo-connector', enabled: process.env.OTEL_ENABLED !== 'false' });
