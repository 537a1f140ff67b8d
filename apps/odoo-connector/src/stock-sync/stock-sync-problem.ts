import {
  OdooCredentialsError,
  OdooError,
  OdooPermissionError,
  OdooUnsupportedVersionError,
} from '../odoo-client';
import { OdooUrlRefusedError } from '../net';

/** Why a store's poll cannot work, in the merchant's words (written to the activity log once per change). */
export class StockSyncProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StockSyncProblem';
  }
}

const PAUSED = 'Stock and delivery updates from Odoo to Salla are paused';

/** The problem behind a failed poll, or null when the failure is ours (database, broker): logged, not shown. */
export function problemOf(err: unknown): StockSyncProblem | null {
  if (err instanceof StockSyncProblem) return err;
  if (err instanceof OdooUrlRefusedError)
    return new StockSyncProblem('odoo.refused_url', `${PAUSED}: ${err.message}`);
  if (err instanceof OdooCredentialsError) {
    return new StockSyncProblem(
      'odoo.invalid_credentials',
      `${PAUSED}: Odoo refused the login and API key (check that the key has not expired)`,
    );
  }
  if (err instanceof OdooPermissionError) {
    return new StockSyncProblem(
      'odoo.permission',
      `${PAUSED}: the Odoo user may not read stock or deliveries (${err.merchantMessage})`,
    );
  }
  if (err instanceof OdooUnsupportedVersionError) {
    return new StockSyncProblem('odoo.unsupported_version', `${PAUSED}: ${err.merchantMessage}`);
  }
  if (err instanceof OdooError) {
    return err.permanent
      ? new StockSyncProblem('odoo.error', `${PAUSED}: Odoo answered with an error (${err.merchantMessage})`)
      : new StockSyncProblem(
          'odoo.unreachable',
          `${PAUSED}: the Odoo server does not answer (${err.merchantMessage})`,
        );
  }
  return null;
}
