import { integrationEnv, uniqueName } from '@app/testing';
import type { Model } from 'mongoose';

import { LeaseDocument, MongoConnection, MongoLeases, registerLeaseModel } from '../src';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A clock the test moves by hand, shared by every "instance", so expiry needs no sleeping. */
function manualClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('MongoLeases: one holder at a time across instances (real MongoDB-wire server)', () => {
  const dbName = uniqueName('leases');
  // Three connections stand for three service instances: separate pools, the same database.
  const connections: MongoConnection[] = [];
  const models: Model<LeaseDocument>[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const mongo = new MongoConnection({ uri: integrationEnv().mongoUri, dbName, logger: quiet });
      models.push(registerLeaseModel(mongo));
      mongo.start();
      await mongo.whenReady(20_000);
      connections.push(mongo);
    }
  });

  afterAll(async () => {
    await connections[0]?.connection.db?.dropDatabase();
    await Promise.all(connections.map((c) => c.close()));
  });

  const instances = (clock: ReturnType<typeof manualClock>) =>
    models.map((model) => new MongoLeases(model, { clock: clock.now }));

  it('of many concurrent acquirers on several instances exactly one wins, and it is the recorded holder', async () => {
    const clock = manualClock();
    const leases = instances(clock);
    for (let round = 0; round < 5; round++) {
      const key = `race:${round}`;
      const owners = Array.from({ length: 24 }, (_, i) => `owner-${round}-${i}`);
      const results = await Promise.all(
        owners.map((owner, i) => leases[i % leases.length].tryAcquire(key, owner, 30_000)),
      );
      const winners = owners.filter((_, i) => results[i]);
      expect(winners).toHaveLength(1);
      expect(await leases[1].holder(key)).toMatchObject({ owner: winners[0] });
      expect(await models[0].countDocuments({ key })).toBe(1);
    }
  });

  it('an expired lease is taken over by exactly one of many concurrent acquirers', async () => {
    const clock = manualClock();
    const leases = instances(clock);
    for (let round = 0; round < 5; round++) {
      const key = `takeover:${round}`;
      expect(await leases[0].tryAcquire(key, 'dead-instance', 1_000)).toBe(true);
      expect(await leases[1].tryAcquire(key, 'early-bird', 1_000)).toBe(false);

      clock.advance(1_001);
      expect(await leases[2].holder(key)).toBeNull();
      const owners = Array.from({ length: 24 }, (_, i) => `successor-${round}-${i}`);
      const results = await Promise.all(
        owners.map((owner, i) => leases[i % leases.length].tryAcquire(key, owner, 30_000)),
      );
      const winners = owners.filter((_, i) => results[i]);
      expect(winners).toHaveLength(1);
      expect(await leases[0].holder(key)).toMatchObject({ owner: winners[0] });
      // The dead holder cannot come back: its lease is gone, so it can neither renew nor release it.
      expect(await leases[0].renew(key, 'dead-instance', 1_000)).toBe(false);
      expect(await leases[0].release(key, 'dead-instance')).toBe(false);
      expect(await leases[1].holder(key)).toMatchObject({ owner: winners[0] });
    }
  });

  it('a release by anyone but the holder does nothing; the holder’s release frees the lease', async () => {
    const clock = manualClock();
    const [a, b] = instances(clock);
    expect(await a.tryAcquire('release', 'alice', 10_000)).toBe(true);

    expect(await b.release('release', 'mallory')).toBe(false);
    expect(await b.tryAcquire('release', 'bob', 10_000)).toBe(false);
    expect(await b.holder('release')).toMatchObject({ owner: 'alice' });

    expect(await a.release('release', 'alice')).toBe(true);
    expect(await a.holder('release')).toBeNull();
    expect(await b.tryAcquire('release', 'bob', 10_000)).toBe(true);
  });

  it('renewing keeps the lease past its first expiry; an expired lease cannot be renewed', async () => {
    const clock = manualClock();
    const [a, b] = instances(clock);
    expect(await a.tryAcquire('renew', 'alice', 1_000)).toBe(true);
    clock.advance(800);
    expect(await b.renew('renew', 'bob', 1_000)).toBe(false);
    expect(await a.renew('renew', 'alice', 1_000)).toBe(true);
    clock.advance(800); // 1 600 ms after acquiring: alive only thanks to the renewal
    expect(await b.tryAcquire('renew', 'bob', 1_000)).toBe(false);
    expect(await b.holder('renew')).toMatchObject({ owner: 'alice' });

    clock.advance(300);
    expect(await a.renew('renew', 'alice', 1_000)).toBe(false);
    expect(await b.tryAcquire('renew', 'bob', 1_000)).toBe(true);
  });

  it('acquiring again as the current holder extends the lease instead of failing', async () => {
    const clock = manualClock();
    const [a, b] = instances(clock);
    expect(await a.tryAcquire('reentrant', 'alice', 1_000)).toBe(true);
    clock.advance(900);
    expect(await a.tryAcquire('reentrant', 'alice', 1_000)).toBe(true);
    clock.advance(900);
    expect(await b.tryAcquire('reentrant', 'bob', 1_000)).toBe(false);
  });

  it('refuses a blank key or owner and a non-positive ttl', async () => {
    const [a] = instances(manualClock());
    await expect(a.tryAcquire('', 'x', 1_000)).rejects.toThrow(/key must be a non-empty string/);
    await expect(a.tryAcquire('k', ' ', 1_000)).rejects.toThrow(/owner must be a non-empty string/);
    await expect(a.tryAcquire('k', 'x', 0)).rejects.toThrow(/ttlMs must be a positive number/);
  });
});
