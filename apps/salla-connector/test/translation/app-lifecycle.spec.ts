import { classifyError } from '@app/messaging';
import { ODOO_API_KEY_AAD, type StoreSettingsUpdated, Topic } from '@app/contracts';

import { SALLA_APP_SETTINGS_FIELDS, translate } from '../../src/translation';
import { inputOf, problemsOf, testDeps } from './translation-test-kit';

const ODOO_SETTINGS = {
  odoo_url: 'https://acme.odoo.com/',
  odoo_database: 'acme-prod',
  odoo_login: 'sync@acme.sa',
  odoo_api_key: '3f1c0a9e-plaintext-odoo-key',
  odoo_stock_location_id: 8,
};

function settingsInput(settings: Record<string, unknown>) {
  const input = inputOf('app.settings.updated.json');
  return { ...input, data: { ...input.data, settings } };
}

describe('app.settings.updated → store.lifecycle.settings-updated.v1', () => {
  it('carries the Odoo connection with the API key sealed for the store, never in plaintext', async () => {
    const input = settingsInput({ ...ODOO_SETTINGS, sync_enabled: '1' });
    const { deps, sealer } = testDeps();

    const result = await translate(input, deps);

    expect(sealer.sealed).toEqual([{ storeId: '1234509876', aad: ODOO_API_KEY_AAD }]);
    expect(result.emit).toHaveLength(1);
    expect(result.emit[0].topic).toBe(Topic.StoreSettingsUpdated);
    const payload = result.emit[0].payload as StoreSettingsUpdated;
    expect(payload).toMatchObject({
      odoo: {
        url: 'https://acme.odoo.com',
        database: 'acme-prod',
        login: 'sync@acme.sa',
        stockLocationId: '8',
      },
      syncEnabled: true,
    });
    expect(payload.odoo?.apiKey).toMatchObject({ v: 1, alg: 'AES-256-GCM' });
    expect(JSON.stringify(result)).not.toContain(ODOO_SETTINGS.odoo_api_key);
    expect(await problemsOf(result.emit[0], input.storeId, input)).toEqual([]);
  });

  it("drops the merchant's other settings (data minimisation): the sample's name, e-mail and options never travel", async () => {
    const input = inputOf('app.settings.updated.json');
    const { deps, sealer } = testDeps();
    const result = await translate(input, deps);
    expect(result.emit[0].payload).toEqual({ syncEnabled: true });
    expect(JSON.stringify(result)).not.toMatch(/Mohammed|door_to_door|box_size/);
    expect(sealer.sealed).toEqual([]);
  });

  it.each(['odoo_url', 'odoo_database', 'odoo_login', 'odoo_api_key'])(
    'leaves the connection out while %s is not filled in (no half credential), sealing nothing',
    async (missing) => {
      const { deps, sealer } = testDeps();
      const result = await translate(settingsInput({ ...ODOO_SETTINGS, [missing]: '  ' }), deps);
      expect(result.emit[0].payload).toEqual({ syncEnabled: true });
      expect(sealer.sealed).toEqual([]);
    },
  );

  it.each([
    [false, false],
    ['false', false],
    ['0', false],
    [0, false],
    [true, true],
    ['true', true],
    [undefined, true],
  ])('reads sync_enabled %p as %p', async (value, expected) => {
    const { deps } = testDeps();
    const result = await translate(settingsInput({ ...ODOO_SETTINGS, sync_enabled: value }), deps);
    expect((result.emit[0].payload as StoreSettingsUpdated).syncEnabled).toBe(expected);
  });

  it('refuses an Odoo URL that is not http(s) permanently, naming the field but not echoing the value', async () => {
    const { deps } = testDeps();
    const failure = translate(settingsInput({ ...ODOO_SETTINGS, odoo_url: 'ftp://user:secret@acme' }), deps);
    await expect(failure).rejects.toThrow('data.settings.odoo_url is not an http(s) URL');
    await failure.catch((err: unknown) => {
      expect(classifyError(err)).toBe('permanent');
      expect(String(err)).not.toContain('secret');
    });
  });

  it('refuses a sync switch that is not a yes/no value', async () => {
    const { deps } = testDeps();
    await expect(translate(settingsInput({ sync_enabled: 'sometimes' }), deps)).rejects.toThrow(
      'data.settings.sync_enabled',
    );
  });

  it('reads odoo_payment_journals as method → journal pairs (method codes lower-cased, last pair wins)', async () => {
    const { deps } = testDeps();
    const result = await translate(
      settingsInput({
        ...ODOO_SETTINGS,
        odoo_payment_journals: ' mada=BNK1, Credit_Card = BNK2;\ncod:CSH1, mada=BNK3 ',
      }),
      deps,
    );
    const payload = result.emit[0].payload as StoreSettingsUpdated;
    expect(payload.paymentJournals).toEqual([
      { methodCode: 'mada', journalCode: 'BNK3' },
      { methodCode: 'credit_card', journalCode: 'BNK2' },
      { methodCode: 'cod', journalCode: 'CSH1' },
    ]);
    expect(await problemsOf(result.emit[0], '1234509876', settingsInput(ODOO_SETTINGS))).toEqual([]);
  });

  it('leaves the payment journals out when the setting is empty, and refuses a pair that does not read', async () => {
    const { deps } = testDeps();
    const empty = await translate(settingsInput({ ...ODOO_SETTINGS, odoo_payment_journals: ' ' }), deps);
    expect(empty.emit[0].payload).not.toHaveProperty('paymentJournals');
    await expect(
      translate(settingsInput({ ...ODOO_SETTINGS, odoo_payment_journals: 'mada=BNK1, the bank' }), deps),
    ).rejects.toThrow('data.settings.odoo_payment_journals has "the bank", which is not method=JOURNALCODE');
  });

  it('documents exactly the settings it reads, with only the API key secret', () => {
    expect(SALLA_APP_SETTINGS_FIELDS.map((f) => f.name)).toEqual([
      'odoo_url',
      'odoo_database',
      'odoo_login',
      'odoo_api_key',
      'odoo_stock_location_id',
      'odoo_payment_journals',
      'sync_enabled',
    ]);
    expect(SALLA_APP_SETTINGS_FIELDS.filter((f) => f.secret).map((f) => f.name)).toEqual(['odoo_api_key']);
    expect(SALLA_APP_SETTINGS_FIELDS.filter((f) => f.required).map((f) => f.name)).toEqual([
      'odoo_url',
      'odoo_database',
      'odoo_login',
      'odoo_api_key',
    ]);
  });
});

describe('app lifecycle webhooks', () => {
  it('app.store.authorize hands the tokens to the store as an effect and publishes nothing', async () => {
    const input = inputOf('app.store.authorize.json');
    const { deps } = testDeps();
    const result = await translate(input, deps);
    expect(result.emit).toEqual([]);
    expect(result.effects).toEqual([
      {
        kind: 'tokens',
        accessToken: input.data.access_token,
        refreshToken: input.data.refresh_token,
        expiresAt: '2021-10-21T12:31:24.000Z', // unix 1634819484
        scopes: ['settings.read', 'branches.read', 'offline_access'],
        eventAt: '2022-12-31T09:31:25.000Z', // the webhook's created_at (Riyadh): what orders lifecycle events
      },
    ]);
  });

  it('app.store.authorize without an access token fails permanently without echoing the refresh token', async () => {
    const input = inputOf('app.store.authorize.json');
    const { deps } = testDeps();
    const failure = translate({ ...input, data: { ...input.data, access_token: '' } }, deps);
    await expect(failure).rejects.toThrow('data.access_token is missing');
    await failure.catch((err: unknown) =>
      expect(String(err)).not.toContain(String(input.data.refresh_token)),
    );
  });

  it('app.installed announces the install with its scopes and Riyadh install time in UTC', async () => {
    const { deps } = testDeps();
    const result = await translate(inputOf('app.installed.json'), deps);
    expect(result.emit[0].payload).toMatchObject({
      appId: '6789012345',
      installedAt: '2021-09-28T03:06:56.000Z',
      storeType: 'development',
    });
    expect(result.effects).toEqual([
      expect.objectContaining({
        kind: 'installed',
        installedAt: '2021-09-28T03:06:56.000Z',
        eventAt: '2022-12-31T09:31:25.000Z',
      }),
    ]);
    expect((result.emit[0].payload as { scopes: string[] }).scopes).toContain('products.read_write');
  });

  it('app.uninstalled announces it and marks the store uninstalled', async () => {
    const { deps } = testDeps();
    const result = await translate(inputOf('app.uninstalled.json'), deps);
    expect(result.emit[0].payload).toEqual({ uninstalledAt: '2021-10-07T09:46:07.000Z', refunded: false });
    expect(result.effects).toEqual([
      { kind: 'uninstalled', at: '2021-10-07T09:46:07.000Z', eventAt: '2022-12-31T09:31:25.000Z' },
    ]);
  });

  it.each([
    ['app.trial.started.json', 'trial.started'],
    ['app.trial.expired.json', 'trial.expired'],
    ['app.subscription.renewed.json', 'subscription.renewed'],
    ['app.subscription.canceled.json', 'subscription.canceled'],
  ])('%s records the plan state %s', async (file, state) => {
    const input = inputOf(file);
    const { deps } = testDeps();
    const result = await translate(input, deps);
    expect(result.effects).toEqual([{ kind: 'subscription', state, at: input.createdAtUtc }]);
  });

  it('app.updated asks for the store info to be read again', async () => {
    const { deps } = testDeps();
    expect((await translate(inputOf('app.updated.json'), deps)).effects).toEqual([{ kind: 'updated' }]);
  });
});
