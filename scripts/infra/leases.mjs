// Sharing the servers between test runs and the user: leases, test ownership, and the by-hand up/down.
import fs from 'node:fs';
import path from 'node:path';
import { stopMongo } from './ferretdb.mjs';
import { stopKafka } from './kafka.mjs';
import { stopAll, upAll } from './lifecycle.mjs';
import { withInfraLock } from './lock.mjs';
import { isAlive } from './proc.mjs';

const leaseDir = (cfg) => path.join(cfg.dir, 'leases');
const ownerFile = (cfg) => path.join(cfg.dir, 'started-by-tests.json');

function liveLeases(cfg) {
  let names = [];
  try {
    names = fs.readdirSync(leaseDir(cfg));
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (isAlive(Number(name))) return true;
    fs.rmSync(path.join(leaseDir(cfg), name), { force: true });
    return false;
  });
}

/**
 * For test harnesses (jest global setup): upAll() plus a lease for this process. Servers this call started
 * are recorded as test-owned; releaseForTests() stops them once the last test run holding a lease is done,
 * so concurrent runs on the default ports never pull the servers out from under each other, and servers
 * started by hand with `infra:up` are never stopped by tests.
 */
export async function upForTests(overrides = {}) {
  return withInfraLock(overrides, async (cfg) => {
    const res = await upAll(cfg);
    let owned = { kafka: false, mongo: false };
    try {
      owned = JSON.parse(fs.readFileSync(ownerFile(cfg), 'utf8'));
    } catch {
      /* none */
    }
    if (res.kafka.started || res.mongo.started) {
      owned = { kafka: owned.kafka || res.kafka.started, mongo: owned.mongo || res.mongo.started };
      fs.writeFileSync(ownerFile(cfg), JSON.stringify(owned));
    }
    fs.mkdirSync(leaseDir(cfg), { recursive: true });
    fs.writeFileSync(path.join(leaseDir(cfg), String(process.pid)), '');
    return res;
  });
}

/** Drop this process's lease; stop the test-owned servers if no other live lease remains. */
export async function releaseForTests(overrides = {}) {
  return withInfraLock(overrides, async (cfg) => {
    fs.rmSync(path.join(leaseDir(cfg), String(process.pid)), { force: true });
    const others = liveLeases(cfg);
    if (others.length > 0) {
      cfg.log(`leaving infra running for ${others.length} other test run(s) (pids ${others.join(', ')})`);
      return { kafka: false, mongo: false };
    }
    let owned;
    try {
      owned = JSON.parse(fs.readFileSync(ownerFile(cfg), 'utf8'));
    } catch {
      return { kafka: false, mongo: false };
    }
    const [kafka, mongo] = await Promise.all([
      owned.kafka ? stopKafka(cfg) : false,
      owned.mongo ? stopMongo(cfg) : false,
    ]);
    fs.rmSync(ownerFile(cfg), { force: true });
    return { kafka, mongo };
  });
}

/** `infra:up` by hand: like upAll(), and the running servers now belong to the user, not to test runs. */
export async function upByUser(overrides = {}) {
  return withInfraLock(overrides, async (cfg) => {
    const res = await upAll(cfg);
    fs.rmSync(ownerFile(cfg), { force: true });
    return res;
  });
}

/** `infra:down` by hand: stops both whatever the leases say. */
export async function downByUser(overrides = {}) {
  return withInfraLock(overrides, async (cfg) => {
    const res = await stopAll(cfg);
    fs.rmSync(ownerFile(cfg), { force: true });
    return res;
  });
}
