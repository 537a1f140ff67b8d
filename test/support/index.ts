export * from './dedicated-mongo';
export * from './fake-salla-oauth';
export * from './free-port';
export * from './integration-env';
export * from './service-process';
export * from './unique-name';
export * from './wait-for';
