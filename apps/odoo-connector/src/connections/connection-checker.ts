import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { ODOO_API_KEY_AAD, type OdooConnection } from '@app/contracts';
import { CryptoService } from '@app/crypto';

import { checkOdooUrl, OdooUrlRefusedError, type SsrfPolicy } from '../net';
import {
  OdooClient,
  OdooCredentialsError,
  OdooError,
  OdooUnsupportedVersionError,
  type OdooProtocol,
} from '../odoo-client';
import type { OdooConnectorEnv } from '../odoo-connector.env';
import type { ConnectionStatus } from './odoo-connection.schema';

export interface ConnectionCheck {
  status: ConnectionStatus;
  /** The outcome in the merchant's words. */
  message: string;
  version?: string;
  protocol?: OdooProtocol;
}

/**
 * Decides whether a store's Odoo settings work: the URL passes the SSRF guard, the server answers like Odoo
 * 16 or later, and the login + API key authenticate. Never throws for a merchant mistake: every outcome is a
 * status with a message; only our own infrastructure failing (the keyring) propagates, to be retried.
 */
@Injectable()
export class ConnectionChecker {
  constructor(
    private readonly crypto: CryptoService,
    @Inject(APP_CONFIG) private readonly config: OdooConnectorEnv,
  ) {}

  ssrfPolicy(): SsrfPolicy {
    return { allowHosts: this.config.allowHosts(), allowHttp: this.config.ODOO_ALLOW_HTTP };
  }

  /** A client for settings already checked (the version is known, so no detection round trip). */
  async clientFor(storeId: string, odoo: OdooConnection, version?: string): Promise<OdooClient> {
    const apiKey = await this.crypto.decryptString(storeId, odoo.apiKey, ODOO_API_KEY_AAD);
    return new OdooClient({
      baseUrl: odoo.url,
      database: odoo.database,
      login: odoo.login,
      apiKey,
      version,
      timeoutMs: this.config.ODOO_TIMEOUT_MS,
      maxConcurrent: this.config.ODOO_MAX_CONCURRENT,
      ssrf: this.ssrfPolicy(),
    });
  }

  async check(storeId: string, odoo: OdooConnection): Promise<ConnectionCheck> {
    try {
      await checkOdooUrl(odoo.url, this.ssrfPolicy());
    } catch (err) {
      if (err instanceof OdooUrlRefusedError) return { status: 'refused_url', message: err.message };
      return {
        status: 'unreachable',
        message: `The Odoo server at ${safeHost(odoo.url)} could not be found (its host name does not resolve)`,
      };
    }
    let client: OdooClient;
    try {
      client = await this.clientFor(storeId, odoo);
    } catch (err) {
      if (err instanceof OdooUrlRefusedError) return { status: 'refused_url', message: err.message };
      throw err; // the keyring is unreachable or the sealed key is damaged: ours to retry, not the merchant's
    }
    try {
      const version = await client.version();
      await client.authenticate();
      return {
        status: 'connected',
        message: `Connected to Odoo ${version.label} (database "${odoo.database}")`,
        version: version.label,
        protocol: await client.protocol(),
      };
    } catch (err) {
      return outcomeOf(err, odoo);
    } finally {
      await client.close();
    }
  }
}

function outcomeOf(err: unknown, odoo: OdooConnection): ConnectionCheck {
  if (err instanceof OdooUrlRefusedError) return { status: 'refused_url', message: err.message };
  if (err instanceof OdooUnsupportedVersionError) {
    return {
      status: 'unsupported_version',
      message: `${err.merchantMessage}. The connector supports Odoo 16 to 19.`,
    };
  }
  if (err instanceof OdooCredentialsError) {
    return {
      status: 'invalid_credentials',
      message: `Odoo refused the login "${odoo.login}" with this API key on database "${odoo.database}": check the login, the database name and that the key has not expired`,
    };
  }
  const detail = err instanceof OdooError ? err.merchantMessage : err instanceof Error ? err.message : '';
  return {
    status: 'unreachable',
    message: `The Odoo server at ${safeHost(odoo.url)} did not answer correctly${detail ? `: ${detail}` : ''}`,
  };
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'the given URL';
  }
}
