export * from './envelope';
export * from './event-catalogue';
export * from './events';
export * from './salla-webhook-events';
export * from './topic-specs';
export * from './topics';
export * from './validate-event';
