import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import {
  type EncryptedValue,
  type EventEnvelope,
  SALLA_ACCESS_TOKEN_AAD,
  SALLA_REFRESH_TOKEN_AAD,
  StoreKeyRotated,
  Topic,
} from '@app/contracts';
import { CryptoService } from '@app/crypto';
import { KafkaEvent } from '@app/messaging';
import { KeyReencryptionReporter } from '@app/privacy-participant';

import { SallaTokenVault } from './salla-token-vault';

/**
 * After the privacy service rotated a store's data key: the store's sealed Salla tokens are sealed again
 * under the active key version, so the retired one can be removed. Each token is written only while it is
 * still the one read (`<field>.ct` unchanged): a refresh storing new tokens meanwhile wins, and its tokens are
 * already sealed under the active key. Idempotent: a token already on the active key is left alone.
 */
@Controller()
export class TokenKeyRotationHandler {
  constructor(
    private readonly vault: SallaTokenVault,
    private readonly crypto: CryptoService,
    private readonly reporter: KeyReencryptionReporter,
  ) {}

  @KafkaEvent(Topic.OpsStoreKeyRotated, StoreKeyRotated)
  onRotated(@Payload() event: EventEnvelope<StoreKeyRotated>): Promise<void> {
    return this.reporter.answer(event, 'Salla access and refresh tokens', () =>
      this.reencryptTokens(event.storeId),
    );
  }

  private async reencryptTokens(storeId: string): Promise<number> {
    const doc = await this.vault.read(storeId);
    if (!doc) return 0;
    const fields: Array<['accessToken' | 'refreshToken', EncryptedValue | undefined, string]> = [
      ['accessToken', doc.accessToken, SALLA_ACCESS_TOKEN_AAD],
      ['refreshToken', doc.refreshToken, SALLA_REFRESH_TOKEN_AAD],
    ];
    let count = 0;
    for (const [field, value, aad] of fields) {
      if (!value) continue;
      const fresh = await this.crypto.reencrypt(storeId, value, aad);
      if (fresh === value) continue;
      const res = await this.vault.repository.updateOne(
        storeId,
        { _id: storeId, [`${field}.ct`]: value.ct },
        { $set: { [field]: fresh } },
      );
      count += res.modified;
    }
    return count;
  }
}
