export * from './clock';
export * from './plan-limits';
export * from './route-template';
export * from './salla-api.client';
export * from './salla-api.errors';
export * from './salla-api.metrics';
export * from './salla-api.types';
export * from './store-rate-limiter';
