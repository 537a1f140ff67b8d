import { randomUUID } from 'node:crypto';

import {
  OdooClient,
  OdooCredentialsError,
  OdooValidationError,
  type OdooClientOptions,
} from '../../src/odoo-client';

export interface ContractTarget {
  options: OdooClientOptions;
  /** The major version the server is expected to report. */
  expectedMajor?: number;
}

/**
 * What every Odoo the client talks to must satisfy — run against the fake (both styles) and, when configured,
 * a real Odoo. Only touches records it creates (res.partner, product.product with random names/barcodes).
 */
export function describeClientContract(name: string, target: () => ContractTarget): void {
  describe(`OdooClient contract: ${name}`, () => {
    let client: OdooClient;
    const cleanup: Array<() => Promise<unknown>> = [];

    beforeAll(() => {
      client = new OdooClient(target().options);
    });
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
      await client.close();
    });

    it('detects the version and picks the matching protocol', async () => {
      const version = await client.version();
      if (target().expectedMajor !== undefined) expect(version.major).toBe(target().expectedMajor);
      expect(version.protocol).toBe(version.major >= 19 ? 'json-2' : 'json-rpc');
    });

    it('authenticates and answers the user id', async () => {
      expect(await client.authenticate()).toBeGreaterThan(0);
    });

    it('reports a bad API key as a credentials error that never shows the key', async () => {
      const badKey = `wrong-${randomUUID()}`;
      const bad = new OdooClient({ ...target().options, apiKey: badKey });
      const err: unknown = await bad.authenticate().catch((e: unknown) => e);
      await bad.close();
      expect(err).toBeInstanceOf(OdooCredentialsError);
      expect((err as OdooCredentialsError).permanent).toBe(true);
      expect((err as Error).message).not.toContain(badKey);
    });

    it('creates several records in one call, writes them, and reads them back', async () => {
      const tag = randomUUID().slice(0, 8);
      const ids = await client.create('res.partner', [
        { name: `Contract ${tag} A`, email: `a-${tag}@example.test` },
        { name: `Contract ${tag} B`, email: `b-${tag}@example.test` },
      ]);
      cleanup.push(() => client.call('res.partner', 'unlink', ids));
      expect(ids).toHaveLength(2);
      await client.write('res.partner', ids, { city: 'Riyadh' });
      const rows = await client.searchRead(
        'res.partner',
        [['email', 'ilike', tag]],
        ['name', 'email', 'city'],
        {
          order: 'id asc',
        },
      );
      expect(rows).toEqual([
        { id: ids[0], name: `Contract ${tag} A`, email: `a-${tag}@example.test`, city: 'Riyadh' },
        { id: ids[1], name: `Contract ${tag} B`, email: `b-${tag}@example.test`, city: 'Riyadh' },
      ]);
      const page = await client.searchRead('res.partner', [['email', 'ilike', tag]], ['name'], {
        limit: 1,
        offset: 1,
        order: 'id asc',
      });
      expect(page.map((r) => r.id)).toEqual([ids[1]]);
    });

    it('turns a ValidationError into OdooValidationError with Odoo message in plain words', async () => {
      const barcode = `99${Date.now()}`;
      const storable = await client.productTypeFields('storable');
      const [first] = await client.create('product.product', [
        { name: `Contract ${barcode}`, barcode, ...storable },
      ]);
      cleanup.push(() => client.call('product.product', 'unlink', [first]));
      const err: unknown = await client
        .create('product.product', [{ name: `Contract dup ${barcode}`, barcode, ...storable }])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OdooValidationError);
      const validation = err as OdooValidationError;
      expect(validation.permanent).toBe(true);
      expect(validation.merchantMessage).toContain(barcode);
      expect(validation.merchantMessage).not.toMatch(/Traceback|File "/);
    });

    it('writes the storable product type the way this version wants it', async () => {
      const version = await client.version();
      const storable = await client.productTypeFields('storable');
      const [id] = await client.create('product.template', [
        { name: `Contract storable ${randomUUID()}`, ...storable },
      ]);
      cleanup.push(() => client.call('product.template', 'unlink', [id]));
      const [row] = await client.searchRead(
        'product.template',
        [['id', '=', id]],
        version.major >= 18 ? ['type', 'is_storable'] : ['type'],
      );
      expect(row).toEqual(
        version.major >= 18 ? { id, type: 'consu', is_storable: true } : { id, type: 'product' },
      );
    });
  });
}
