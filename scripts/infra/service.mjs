// Start / stop one pid-file-tracked server (Kafka or FerretDB) started from this infra dir.
import fs from 'node:fs';
import { portInUse } from './ports.mjs';
import { isAlive, readPid, stopPid } from './proc.mjs';

export async function ensureService({
  name,
  cfg,
  pidFile,
  marker,
  port,
  address,
  wait,
  start,
  timeoutMs,
  logFile,
}) {
  const existing = readPid(pidFile, marker);
  if (existing) {
    await wait({ timeoutMs, logFile, isRunning: () => isAlive(existing) });
    cfg.log(`${name} already running (pid ${existing}) at ${address}`);
    return { pid: existing, started: false, address };
  }
  fs.rmSync(pidFile, { force: true });
  if (await portInUse(port)) {
    throw new Error(
      `${name}: port ${port} on 127.0.0.1 is already in use by another process (not started by ${cfg.dir}). ` +
        'Stop it or pick another port with the INFRA_* variables.',
    );
  }
  const child = await start();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  cfg.log(`${name} started (pid ${child.pid}), waiting for ${address} ...`);
  const t0 = Date.now();
  try {
    await wait({ timeoutMs, logFile, isRunning: () => isAlive(child.pid) });
  } catch (err) {
    await stopPid(child.pid, { timeoutMs: 10_000, name });
    fs.rmSync(pidFile, { force: true });
    throw err;
  }
  cfg.log(`${name} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { pid: child.pid, started: true, address };
}

export async function stopService(name, pidFile, marker, cfg, timeoutMs) {
  const pid = readPid(pidFile, marker);
  fs.rmSync(pidFile, { force: true });
  if (!pid) return false;
  cfg.log(`stopping ${name} (pid ${pid})`);
  await stopPid(pid, { timeoutMs, name }, cfg.log);
  return true;
}
