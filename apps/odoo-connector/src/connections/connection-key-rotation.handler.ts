import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, ODOO_API_KEY_AAD, StoreKeyRotated, Topic } from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { KafkaEvent } from '@app/messaging';
import { KeyReencryptionReporter } from '@app/privacy-participant';

import { OdooConnectionsRepository } from './odoo-connections.repository';

/**
 * After the privacy service rotated a store's data key: the store's sealed Odoo API key is sealed again under
 * the active key version, so the retired one can be removed. Written only while it is still the key read
 * (`apiKey.ct` unchanged): new settings arriving meanwhile win. The plaintext does not change, so the
 * connection's `revision` stays and the cached Odoo client keeps working.
 */
@Controller()
export class ConnectionKeyRotationHandler {
  constructor(
    private readonly connections: OdooConnectionsRepository,
    private readonly crypto: CryptoService,
    private readonly reporter: KeyReencryptionReporter,
  ) {}

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    return this.reporter.answer(event, 'Odoo connection API key', () => this.reencryptApiKey(event.storeId));
  }

  private async reencryptApiKey(storeId: string): Promise<number> {
    const connection = await this.connections.get(storeId);
    const sealed = connection?.apiKey;
    if (!sealed) return 0;
    const fresh = await this.crypto.reencrypt(storeId, sealed, ODOO_API_KEY_AAD);
    if (fresh === sealed) return 0;
    const res = await this.connections.updateOne(
      storeId,
      { _id: storeId, 'apiKey.ct': sealed.ct },
      { $set: { apiKey: fresh } },
    );
    return res.modified;
  }
}
