import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';

import { BaseEnv } from '@app/config';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no', ''].includes(text)) return false;
  return value;
};

/** The odoo-connector's environment: how merchants' Odoo servers may be reached and how hard they are pushed. */
export class OdooConnectorEnv extends BaseEnv {
  /**
   * Comma-separated hosts, addresses or CIDRs the SSRF guard lets through although they are private/loopback
   * (an Odoo on the operator's own network; `127.0.0.1` in tests). Empty (default): only public addresses.
   */
  @IsString()
  ODOO_ALLOW_HOSTS = '';

  /** Accept plain `http://` Odoo URLs (tests, a trusted intranet). Default false: https is required. */
  @Transform(toBool)
  @IsBoolean()
  ODOO_ALLOW_HTTP = false;

  /** Whole-exchange timeout of one Odoo call. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(300000)
  ODOO_TIMEOUT_MS = 30000;

  /** Calls in flight at once per Odoo database (a typical Odoo worker handles a handful of writes per second). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  ODOO_MAX_CONCURRENT = 2;

  /** The `module` of the connector's `ir.model.data` bindings in Odoo (external ids `<module>.<name>`). */
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { message: 'ODOO_MODULE_NAME must be a lower-case identifier' })
  ODOO_MODULE_NAME = 'salla_sync';

  /**
   * A binding claimed (placeholder written) but never completed for this long is taken over by another worker:
   * the worker that claimed it crashed before creating the record. Keep it well above the slowest Odoo call.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  ODOO_CLAIM_STALE_MS = 120000;

  /** Backfill records buffered per store before one batched create/write (and the longest wait for more, ms). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ODOO_BATCH_SIZE = 100;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  ODOO_BATCH_WAIT_MS = 500;

  /** The parsed allow-list. */
  allowHosts(): string[] {
    return this.ODOO_ALLOW_HOSTS.split(',')
      .map((h) => h.trim())
      .filter(Boolean);
  }
}
