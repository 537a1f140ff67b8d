export { InjectConnection, InjectModel, getModelToken } from '@nestjs/mongoose';

export * from './backoff';
export * from './duplicate-key';
export * from './errors';
export * from './leases';
export * from './mongo-connection';
export * from './persistence.module';
export * from './retention';
export * from './store-scope';
export * from './store-scoped-schema';
export * from './store-scoped.repository';
