export * from './dedicated-mongo';
export * from './free-port';
export * from './integration-env';
export * from './unique-name';
export * from './wait-for';
