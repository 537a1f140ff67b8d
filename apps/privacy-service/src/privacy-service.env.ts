import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

import { BaseEnv } from '@app/config';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/** A retention period in days (1 … 3650). */
const days = (): PropertyDecorator => (target, key) => {
  for (const decorate of [Transform(toInt), IsInt(), Min(1), Max(3650)]) decorate(target, key);
};

/** The privacy service's environment: API auth, erasure orchestration, retention policy. */
export class PrivacyServiceEnv extends BaseEnv {
  /**
   * Bearer tokens of the compliance role, comma-separated (several, so one can be rotated without downtime).
   * Unset = every protected endpoint answers 401. Never logged.
   */
  @IsOptional()
  @IsString()
  PRIVACY_API_TOKENS?: string;

  /** Services that must send a receipt before an erasure (or a part before an export) is complete. */
  @Matches(/^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$/, {
    message: 'PRIVACY_EXPECTED_SERVICES must be a comma-separated list of service names',
  })
  PRIVACY_EXPECTED_SERVICES = 'gateway,salla-connector,odoo-connector,privacy-service';

  /**
   * How long a rotated store key's previous version keeps opening what it sealed after every service
   * re-encrypted its stored values: messages still in Kafka (a consumer's backlog, dead letters kept 14 days)
   * are sealed with it and never re-encrypted. Default 14 days, the longest topic retention; 0 removes at once.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  PRIVACY_RETIRED_KEY_KEEP_MS = 14 * 24 * 60 * 60 * 1000;

  /** An erasure or export request is re-published to the services that have not answered after this long. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PRIVACY_RETRY_AFTER_MS = 60_000;

  /** After this long without every receipt an erasure is failed and alerted on (late receipts still count). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PRIVACY_ERASURE_TIMEOUT_MS = 15 * 60_000;

  /**
   * After an erasure completes (and, in each service, after its own erasure), wait this long, then erase the
   * store once more: removes documents written by handlers still busy with the store's earlier events. The
   * participants read the same variable; 0 turns both passes off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  PRIVACY_LATE_WRITE_SWEEP_MS = 10_000;

  /** How often open requests are checked for retry and timeout. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  PRIVACY_WATCHDOG_INTERVAL_MS = 15_000;

  /** How often the retention policy is published (one run per interval across all instances). */
  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  PRIVACY_RETENTION_INTERVAL_MS = 24 * 60 * 60_000;

  @days() RETENTION_ACTIVITY_LOGS_DAYS = 30;
  @days() RETENTION_ERROR_REPORTS_DAYS = 90;
  @days() RETENTION_TECHNICAL_INFO_DAYS = 30;
  @days() RETENTION_WEBHOOK_DUPLICATE_CLAIMS_DAYS = 7;
  @days() RETENTION_ADMIN_ACCESS_AUDIT_DAYS = 365;
  @days() RETENTION_FINISHED_EXPORTS_DAYS = 7;
}

/** The configured bearer tokens (blank entries dropped). */
export function apiTokensOf(env: PrivacyServiceEnv): string[] {
  return (env.PRIVACY_API_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

export function expectedServicesOf(env: PrivacyServiceEnv): string[] {
  return [...new Set(env.PRIVACY_EXPECTED_SERVICES.split(',').map((s) => s.trim()))];
}
