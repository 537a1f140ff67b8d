export { ConcurrencyLimiter, LimiterRegistry, sharedOdooLimiters } from './concurrency-limiter';
export { OdooClient, type CreateOptions, type OdooClientOptions } from './odoo-client';
export {
  cleanOdooMessage,
  odooErrorFromPayload,
  odooErrorFromStatus,
  redactSecrets,
} from './odoo-error-mapping';
export {
  isUniqueViolation,
  OdooCredentialsError,
  OdooError,
  OdooMissingRecordError,
  OdooPermissionError,
  OdooTransientError,
  OdooUnsupportedVersionError,
  OdooValidationError,
  type OdooProtocol,
} from './odoo-errors';
export type { OdooContext, OdooDomain, OdooRecord, OdooValues, SearchReadOptions } from './odoo-transport';
export { WITH_ARCHIVED } from './odoo-transport';
export { fromOdooDatetime, toOdooDatetime } from './odoo-datetime';
export {
  JSON2_MIN_MAJOR,
  MIN_SUPPORTED_MAJOR,
  parseOdooVersion,
  protocolForMajor,
  type OdooServerVersion,
} from './odoo-version';
export { productKindOf, productTypeFields, productTypeReadFields, type ProductKind } from './product-type';
