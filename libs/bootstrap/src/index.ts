export * from './run-service';
export * from './service-definition';
export * from './service.module';
export * from './periodic-task';
