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
}
