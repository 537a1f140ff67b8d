import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, IsUrl, Max, Min } from 'class-validator';

import { BaseEnv } from '@app/config';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * The salla-connector's environment: where Salla is, the app's OAuth client (token refresh), and the pace of
 * backfills and stock pushes.
 */
export class SallaConnectorEnv extends BaseEnv {
  /** Salla Merchant API base URL. Tests and the demo point it at the Salla simulator. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SALLA_API_URL = 'https://api.salla.dev/admin/v2';

  /** Salla's OAuth server (`/token` below it): refreshing access tokens. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SALLA_OAUTH_URL = 'https://accounts.salla.sa/oauth2';

  /**
   * The app's OAuth client from the Salla Partners portal. Required: access tokens last 14 days and only a
   * refresh (which needs both) keeps a store connected after that.
   */
  @IsString()
  @IsNotEmpty({ message: 'SALLA_CLIENT_ID must be set (the app’s OAuth client id, Salla Partners portal)' })
  SALLA_CLIENT_ID!: string;

  @IsString()
  @IsNotEmpty({
    message: 'SALLA_CLIENT_SECRET must be set (the app’s OAuth client secret, Salla Partners portal)',
  })
  SALLA_CLIENT_SECRET!: string;

  /** Per-request timeout towards Salla. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120000)
  SALLA_API_TIMEOUT_MS = 15000;

  /** Access tokens are refreshed when they have less than this left (they live 14 days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(13 * 24)
  SALLA_TOKEN_REFRESH_AHEAD_HOURS = 72;

  /** A backfill reads orders created in the last N days (an admin resync can ask for another start date). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  BACKFILL_ORDERS_LOOKBACK_DAYS = 90;

  /**
   * How long one instance owns a store's backfill without renewing it; after a crash another instance (or the
   * restarted one) resumes from the last checkpoint once this has passed.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  BACKFILL_LEASE_TTL_MS = 60000;

  /** Stock commands for the same item within this window collapse into one value (the last one wins). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  STOCK_COALESCE_WINDOW_MS = 2000;

  /** Items per `POST /products/quantities/bulk` call. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  STOCK_BULK_BATCH_SIZE = 100;
}
