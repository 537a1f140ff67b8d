// Mutual exclusion between infra commands / test runs on the same infra dir.
import fs from 'node:fs';
import path from 'node:path';
import { infraConfig } from './config.mjs';
import { isAlive, sleep } from './proc.mjs';

/**
 * Run fn while holding <infra>/infra.lock, so concurrent `infra:up` / test runs on the same infra dir do not
 * race to start the same servers. A lock left by a dead process is taken over.
 */
export async function withInfraLock(overrides, fn, { timeoutMs = 600_000 } = {}) {
  const cfg = infraConfig(overrides);
  fs.mkdirSync(cfg.dir, { recursive: true });
  const lock = path.join(cfg.dir, 'infra.lock');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lock, 'utf8').trim() || 0);
      if (holder && !isAlive(holder)) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${holder})`);
      if (!announced) cfg.log(`waiting for another infra command (pid ${holder}) to finish`);
      announced = true;
      await sleep(250);
    }
  }
  try {
    return await fn(cfg);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
