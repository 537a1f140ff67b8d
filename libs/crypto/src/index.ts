export type { EncryptedValue } from '@app/contracts';

export * from './crypto.module';
export * from './crypto.service';
export * from './errors';
export * from './key-cache';
export * from './keyring';
export * from './master-key';
export * from './key-rotation-report';
