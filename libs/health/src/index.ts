export * from './dependency-probe';
export * from './health.controller';
export * from './health.module';
export * from './health.options';
export * from './readiness.service';
