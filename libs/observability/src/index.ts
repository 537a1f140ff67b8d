export * from './json-logger';
export * from './metrics';
export * from './metrics.controller';
export * from './observability.module';
export * from './redact';
export * from './store-context';
export * from './telemetry';
