import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

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

  /**
   * Quick re-runs, in the consumer, of an event that met a transient Odoo error (a 5xx, a timeout), after
   * ~200/400/800 ms, before the message goes back to Kafka's retry (whose backoff grows to half a minute).
   * Safe because every apply is idempotent (bindings). 0 turns them off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  ODOO_APPLY_RETRIES = 3;

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

  /** How often each connected store's Odoo is polled for stock changes and finished deliveries; 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86400000)
  ODOO_STOCK_POLL_INTERVAL_MS = 60000;

  /**
   * The quantity sent to Salla: `free` (default) = on hand minus reserved at the synced location, what is
   * still sellable (stock promised to confirmed orders is not offered twice); `on_hand` = the quants' quantity.
   */
  @IsIn(['free', 'on_hand'])
  ODOO_STOCK_QUANTITY: 'free' | 'on_hand' = 'free';

  /**
   * Default Salla payment method → Odoo journal (by journal code) for stores without their own mapping of the
   * method: `code=JOURNAL` pairs, comma-separated, e.g. `mada=BNK1,credit_card=BNK1`. Empty (default): no
   * default; a paid order gets its payment registered only where the store maps its method to a journal.
   */
  @IsString()
  @Matches(/^\s*([\w.-]+\s*=\s*[\w.-]+\s*(,\s*[\w.-]+\s*=\s*[\w.-]+\s*)*)?$/, {
    message: 'ODOO_PAYMENT_JOURNALS must be comma-separated method=JOURNALCODE pairs',
  })
  ODOO_PAYMENT_JOURNALS = '';

  /** The parsed default payment journals: lower-case Salla method code → Odoo journal code. */
  paymentJournalDefaults(): Map<string, string> {
    return new Map(
      this.ODOO_PAYMENT_JOURNALS.split(',')
        .map((pair) => pair.split('=').map((part) => part.trim()))
        .filter((pair): pair is [string, string] => pair.length === 2 && !!pair[0] && !!pair[1])
        .map(([method, journal]) => [method.toLowerCase(), journal]),
    );
  }

  /** The parsed allow-list. */
  allowHosts(): string[] {
    return this.ODOO_ALLOW_HOSTS.split(',')
      .map((h) => h.trim())
      .filter(Boolean);
  }
}
