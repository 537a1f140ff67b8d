// Process helpers: synchronous commands, detached servers with their output in a log file, pid files,
// liveness and stopping.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (res.error) {
    if (res.error.code === 'ENOENT')
      throw new Error(`"${cmd}" not found on PATH (needed for: ${opts.why ?? cmd})`);
    throw res.error;
  }
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}\n${out}`);
  }
  return res.stdout ?? '';
}

/** Last `lines` lines of a log file, for error messages. */
export function tailFile(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill(0).
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
  } catch {
    /* no /proc: trust kill(0) */
  }
  return true;
}

/** Pid from a pid file, or null if the file is missing or the process is gone / is not ours (pid reuse). */
export function readPid(pidFile, marker) {
  let pid;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || !isAlive(pid)) return null;
  if (marker) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!cmdline.includes(marker)) return null;
    } catch {
      /* no /proc: accept */
    }
  }
  return pid;
}

/** SIGTERM, wait up to timeoutMs, then SIGKILL. Resolves once the process is gone. */
export async function stopPid(pid, { timeoutMs = 20_000, name = `pid ${pid}` } = {}, log = () => {}) {
  if (!isAlive(pid)) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    log(`${name} did not exit within ${timeoutMs} ms of SIGTERM; sending SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    while (isAlive(pid)) await sleep(50);
  }
  return true;
}

export function spawnDetached(cmd, args, { logFile, cwd, env, detached = true }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'w');
  try {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached, stdio: ['ignore', fd, fd] });
    if (detached) child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

export async function waitSpawned(child, what) {
  // spawn() reports ENOENT asynchronously; surface it instead of waiting for a readiness timeout.
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`cannot start ${what}: "${child.spawnfile}" not found`) : err),
    );
  });
}
