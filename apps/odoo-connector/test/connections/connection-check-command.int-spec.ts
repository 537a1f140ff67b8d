import type { RunningService } from '@app/bootstrap';
import { Topic } from '@app/contracts';
import { type FakeOdoo, startFakeOdoo } from '@app/fake-odoo';
import { integrationEnv, waitFor } from '@app/testing';

import { callerFor, type Caller } from '../../../gateway/test/admin/admin-harness';
import { bootAdminGatewayAtTopicEnds } from '../../../gateway/test/admin/replay-support/topic-ends';
import { OdooSyncHarness, uniqueStoreId } from '../sync/odoo-sync-harness';

const KEY = 'fake-odoo-admin-key';
/** Upper bound only (2 shared cores, a shared broker); every wait ends as soon as its condition holds. */
const WAIT = { timeoutMs: 150_000, intervalMs: 250 };

type Json = Record<string, unknown>;

/**
 * Support presses "test the Odoo connection now" in the admin API: the gateway publishes the command, the
 * odoo-connector checks the store's stored settings against Odoo again, stores the outcome and answers in the
 * store's activity log (the line carries the request id). Odoo here is a fake on a fixed port that is
 * restarted with another API key (the merchant revoked ours), stopped, and started again as before.
 */
describe("admin API → odoo-connector: testing a store's Odoo connection now", () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  let fake: FakeOdoo | undefined;
  let port: number;
  let odoo: OdooSyncHarness;
  let gateway: RunningService;
  let call: Caller;

  const startFake = async (apiKey: string): Promise<void> => {
    fake = await startFakeOdoo({ style: '16', apiKeys: { admin: apiKey }, ...(port ? { port } : {}) });
    port = Number(new URL(fake.url).port);
  };
  const stopFake = async (): Promise<void> => {
    await fake?.close();
    fake = undefined;
  };

  beforeAll(async () => {
    await startFake(KEY);
    odoo = await OdooSyncHarness.start();
    gateway = await bootAdminGatewayAtTopicEnds(kafkaBrokers, mongoUri);
    call = callerFor(gateway.url);
  }, 240_000);

  afterAll(async () => {
    await gateway?.stop();
    await odoo?.stop();
    await stopFake();
  });

  /**
   * Other suites' odoo-connectors on the shared broker answer the command too, for a store they could not
   * set up (they cannot unseal this test's API key, or refuse plain-http URLs): "not configured" or "refused
   * URL". Answers of this test's connector are the others.
   */
  const ours = (line: Json): boolean =>
    line.errorCode !== 'odoo.not_configured' && line.errorCode !== 'odoo.refused_url';

  /** Presses the button as support; resolves with the activity line that answers this request. */
  const checkNow = async (storeId: string, answeredBy = ours): Promise<Json> => {
    const asked = await call('POST', `/stores/${storeId}/odoo-connection-checks`, { role: 'support' });
    expect(asked).toMatchObject({ status: 202, body: { status: 'requested' } });
    const requestId = asked.body.requestId as string;
    return waitFor(
      async () => {
        const res = await call('GET', `/stores/${storeId}/activity?entityType=store`, { role: 'ops' });
        const items = (res.body.items as Json[] | undefined) ?? [];
        return items.find((l) => l.correlationId === requestId && answeredBy(l)) ?? null;
      },
      { ...WAIT, description: `answer to connection check ${requestId}` },
    );
  };
  const storedStatus = async (storeId: string): Promise<string | undefined> =>
    (await odoo.connections().get(storeId))?.status;
  const odooState = async (storeId: string): Promise<Json> => {
    const res = await call('GET', `/stores/${storeId}`, { role: 'ops' });
    return (res.body.odoo ?? {}) as Json;
  };

  it('follows the connection from connected to invalid credentials, unreachable and back', async () => {
    const storeId = uniqueStoreId();
    await odoo.configure(storeId, fake!.url, KEY);
    await waitFor(() => odoo.of(Topic.StoreSyncReady, storeId)[0] ?? null, {
      ...WAIT,
      description: 'sync-ready',
    });

    const connected = await checkNow(storeId);
    expect(connected).toMatchObject({
      service: 'odoo-connector',
      entityType: 'store',
      outcome: 'ok',
      message: 'Connection test: Connected to Odoo 16.0 (database "odoo")',
    });
    expect(await storedStatus(storeId)).toBe('connected');

    // The merchant revokes our API key in Odoo.
    await stopFake();
    await startFake('a-key-the-merchant-issued-to-someone-else');
    const revoked = await checkNow(storeId);
    expect(revoked).toMatchObject({ outcome: 'failed', errorCode: 'odoo.invalid_credentials' });
    expect(String(revoked.message)).toContain('Odoo refused the login "admin"');
    expect(String(revoked.message)).not.toContain(KEY);
    expect(await storedStatus(storeId)).toBe('invalid_credentials');
    // What the merchant notices: the store's events now wait for a working connection instead of failing.
    await odoo.send(Topic.CatalogCategoryUpserted, storeId, {
      source: 'salla',
      categoryId: `c-${storeId}`,
      name: 'Coffee',
    });
    const skipped = await odoo.waitActivity(
      storeId,
      (l) => l.entityType === 'category' && l.entityId === `c-${storeId}`,
      'category event while the key is revoked',
    );
    expect(skipped).toMatchObject({ outcome: 'skipped' });
    expect(String(skipped.message)).toContain('The Odoo connection is not working');
    expect(fake!.records('product.category').filter((c) => c.name === 'Coffee')).toHaveLength(0);

    // Odoo goes down.
    await stopFake();
    const down = await checkNow(storeId);
    expect(down).toMatchObject({ outcome: 'failed', errorCode: 'odoo.unreachable' });
    expect(String(down.message)).toContain(`http://127.0.0.1:${port}`);
    expect(await storedStatus(storeId)).toBe('unreachable');
    await waitFor(async () => (await odooState(storeId)).state === 'failing' || null, {
      ...WAIT,
      description: 'store shown as failing in the admin API',
    });

    // Odoo is back with our key: connected again, announced, and the store view follows.
    await startFake(KEY);
    const back = await checkNow(storeId);
    expect(back).toMatchObject({
      outcome: 'ok',
      message: 'Connection test: Connected to Odoo 16.0 (database "odoo")',
    });
    expect(await storedStatus(storeId)).toBe('connected');
    await waitFor(() => odoo.of(Topic.StoreSyncReady, storeId).length === 2 || null, {
      ...WAIT,
      description: 'sync-ready announced again',
    });
    expect(odoo.of(Topic.StoreSyncReady, storeId)[1].envelope.payload).toMatchObject({
      skipBackfillIfDone: true,
    });
    await waitFor(async () => (await odooState(storeId)).state === 'connected' || null, {
      ...WAIT,
      description: 'store shown as connected in the admin API',
    });
  }, 480_000);

  it('answers a check for a store without Odoo settings with a plain "nothing to test"', async () => {
    const storeId = uniqueStoreId();
    const answer = await checkNow(storeId, () => true);
    expect(answer).toMatchObject({
      outcome: 'skipped',
      errorCode: 'odoo.not_configured',
      message: 'Connection test: Odoo is not configured for this store yet, there is nothing to test',
    });
    expect(await storedStatus(storeId)).toBeUndefined();
  }, 240_000);
});
