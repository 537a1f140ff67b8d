import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

import { BaseEnv } from '@app/config';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/** The gateway's environment: Salla webhook intake and custom-mode OAuth, on top of the shared settings. */
export class GatewayEnv extends BaseEnv {
  /** The app's webhook secret from the Salla Partners portal: HMAC key (Signature) or token (Token strategy). */
  @IsString()
  @MinLength(8, {
    message: 'SALLA_WEBHOOK_SECRET must be set (at least 8 characters), from the Salla Partners portal',
  })
  SALLA_WEBHOOK_SECRET!: string;

  /** Largest webhook body accepted; larger ones get 413. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * Webhooks worked on at once by one gateway; more are answered 503 with Retry-After: 1 (Salla retries)
   * instead of waiting in memory while Mongo or Kafka is slow.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  WEBHOOK_MAX_IN_FLIGHT = 200;

  /** How long a delivery's body hash is remembered to recognise Salla's retries; then the claim is swept. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  WEBHOOK_DEDUPE_RETENTION_DAYS = 7;

  /** Base URL of Salla's OAuth server (`/auth`, `/token`, `/user/info` below it). Tests point it at a fake. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SALLA_OAUTH_URL = 'https://accounts.salla.sa/oauth2';

  /** Custom-mode OAuth client; when unset, /oauth/salla/* answers 404 (easy mode needs none of it). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SALLA_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SALLA_CLIENT_SECRET?: string;

  /** Where Salla sends the merchant back: this gateway's public `/oauth/salla/callback` URL. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SALLA_OAUTH_REDIRECT_URL?: string;

  /** Space-separated scopes asked for; `offline_access` is what yields a refresh token. */
  @IsString()
  SALLA_OAUTH_SCOPE = 'offline_access';

  // Admin API (/admin/v1, see apps/gateway/src/admin/README.md). With neither API keys nor a JWT issuer
  // configured every admin request answers 401.

  /** Comma-separated `name:role:key` entries (role: support, ops, compliance or admin; key ≥ 24 chars). */
  @IsOptional()
  @IsString()
  ADMIN_API_KEYS?: string;

  /** Expected `iss` of admin bearer JWTs; with ADMIN_JWKS_URL and ADMIN_JWT_AUDIENCE it turns JWT auth on. */
  @IsOptional()
  @IsString()
  ADMIN_JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  ADMIN_JWT_AUDIENCE?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ADMIN_JWKS_URL?: string;

  /** Claim holding the caller's roles (a string or an array of strings). */
  @IsString()
  ADMIN_JWT_ROLES_CLAIM = 'roles';

  /** Requests per minute per principal (token bucket, burst = the same number). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  ADMIN_RATE_LIMIT_PER_MINUTE = 120;

  /** Comma-separated `name=baseUrl` list whose `/health/ready` the admin health overview calls. */
  @IsOptional()
  @IsString()
  ADMIN_SERVICE_URLS?: string;

  /** HMAC key of the merchant's signed support-access links (shared with whatever issues them). */
  @IsOptional()
  @IsString()
  @MinLength(16)
  ADMIN_MERCHANT_GRANT_SECRET?: string;
}
