import { MongoConnection, PersistenceModule } from '@app/persistence';
import { Test } from '@nestjs/testing';

import { CryptoModule, CryptoService, MasterKeyConfigError } from '../src';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('CryptoModule', () => {
  const persistence = PersistenceModule.forRoot({
    uri: 'mongodb://127.0.0.1:1',
    dbName: 'crypto-unit',
    logger: quiet,
  });

  it('refuses to build the app without a master key, with a clear error', async () => {
    await expect(
      Test.createTestingModule({ imports: [persistence, CryptoModule.forRoot({ masterKey: {} })] }).compile(),
    ).rejects.toBeInstanceOf(MasterKeyConfigError);
  });

  it('provides CryptoService with the keyring registered on the app connection (optionally another database)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        persistence,
        CryptoModule.forRoot({
          masterKey: { MASTER_KEY: Buffer.alloc(32, 7).toString('base64') },
          keyringDbName: 'shared-keyring',
        }),
      ],
    }).compile();
    const crypto = moduleRef.get(CryptoService);
    expect(crypto.masterKeyId).toMatch(/^[0-9a-f]{16}$/);
    const mongo = moduleRef.get(MongoConnection);
    expect(mongo.connection.useDb('shared-keyring', { useCache: true }).models.CryptoKeyring).toBeDefined();
    await moduleRef.close();
  });

  it('refuses an empty plaintext and a blank store id before touching the database', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        persistence,
        CryptoModule.forRoot({ masterKey: { MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } }),
      ],
    }).compile();
    const crypto = moduleRef.get(CryptoService);
    await expect(crypto.encrypt('store-1', '')).rejects.toThrow(/refusing to encrypt an empty value/);
    await expect(crypto.encrypt('', 'x')).rejects.toThrow(/needs a non-empty storeId/);
    await expect(crypto.decrypt('store-1', { v: 1 } as never)).rejects.toThrow(/not an EncryptedValue v1/);
    await moduleRef.close();
  });
});
