import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import type { OdooConnection } from '@app/contracts';

import type { OdooClient } from '../odoo-client';
import { ConnectionChecker } from './connection-checker';
import type { OdooConnectionDoc } from './odoo-connection.schema';
import { OdooConnectionsRepository } from './odoo-connections.repository';

/** Why a store's events cannot reach Odoo right now, in the merchant's words. */
export interface NotConnected {
  client?: undefined;
  reason: string;
}

export interface Connected {
  client: OdooClient;
  connection: OdooConnectionDoc;
}

/**
 * One OdooClient per store, built from the stored connection and rebuilt when its settings change (the
 * document's `revision` moves, possibly by another instance). Building decrypts the sealed key once; the
 * plaintext lives only inside the client.
 */
@Injectable()
export class OdooClients implements OnModuleDestroy {
  private readonly cache = new Map<string, { revision: number; client: Promise<OdooClient> }>();

  constructor(
    private readonly connections: OdooConnectionsRepository,
    private readonly checker: ConnectionChecker,
  ) {}

  async forStore(storeId: string): Promise<Connected | NotConnected> {
    const connection = await this.connections.get(storeId);
    if (!connection || connection.status === 'not_configured' || !connection.apiKey) {
      this.drop(storeId);
      return {
        reason: 'Odoo is not configured for this store yet: fill in the Odoo fields in the app settings',
      };
    }
    if (connection.status !== 'connected') {
      this.drop(storeId);
      return { reason: `The Odoo connection is not working (${connection.message})` };
    }
    if (!connection.syncEnabled) return { reason: 'Sync is switched off in the app settings' };
    const cached = this.cache.get(storeId);
    if (cached && cached.revision === connection.revision) return { client: await cached.client, connection };
    this.drop(storeId);
    const odoo: OdooConnection = {
      url: connection.url!,
      database: connection.database!,
      login: connection.login!,
      apiKey: connection.apiKey,
    };
    const client = this.checker.clientFor(storeId, odoo, connection.version ?? undefined);
    client.catch(() => this.cache.delete(storeId));
    this.cache.set(storeId, { revision: connection.revision, client });
    return { client: await client, connection };
  }

  /** Forgets (and closes) a store's client: settings changed or the app was uninstalled. */
  drop(storeId: string): void {
    const cached = this.cache.get(storeId);
    if (!cached) return;
    this.cache.delete(storeId);
    void cached.client.then((c) => c.close()).catch(() => undefined);
  }

  onModuleDestroy(): void {
    for (const storeId of [...this.cache.keys()]) this.drop(storeId);
  }
}
