export * from './salla-token-endpoint';
export * from './salla-token.repository';
export * from './salla-token.schema';
export * from './salla-token-vault';
export * from './salla-tokens.module';
export * from './token-custody';
export * from './token-errors';
export * from './token-fingerprint';
