import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';

import { freePort } from './free-port';

const REPO_ROOT = resolve(__dirname, '..', '..');
const execFileAsync = promisify(execFile);

export interface DedicatedMongo {
  /** mongodb://127.0.0.1:<port> (no database; pick one per test). */
  uri: string;
  port: number;
  /** SIGTERM the server and wait until the process has exited (SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** Start it again on the same port and data directory; resolves once `ping` succeeds. */
  start(): Promise<void>;
  /** stop() and delete the data directory. */
  dispose(): Promise<void>;
}

let binaryPath: Promise<string> | undefined;

/** The FerretDB binary (.infra/bin/ferretdb or $INFRA_DIR/bin/ferretdb), built with Go if missing or stale. */
export function ferretdbBinary(): Promise<string> {
  binaryPath ??= execFileAsync(process.execPath, [join(REPO_ROOT, 'scripts/infra/cli.mjs'), 'ferretdb-bin'], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => stdout.trim().split('\n').pop() ?? '',
    (err: Error & { stderr?: string }) => {
      binaryPath = undefined;
      throw new Error(`could not build the FerretDB binary: ${err.message}\n${err.stderr ?? ''}`);
    },
  );
  return binaryPath;
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function ping(uri: string): Promise<void> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 1000,
    connectTimeoutMS: 1000,
    directConnection: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * Starts a separate FerretDB server (SQLite backend, own temp data dir, free port) that a test can stop and
 * restart, e.g. to prove data survives a restart or that readiness reports 503 while the database is down.
 * The server stops by itself if the test process dies. Always `dispose()` it in afterAll.
 */
export async function startDedicatedMongo(): Promise<DedicatedMongo> {
  const bin = await ferretdbBinary();
  const root = mkdtempSync(join(tmpdir(), 'ferretdb-test-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'ferretdb.log');
  let port = await freePort();
  let uri = `mongodb://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child) return;
    const fd = openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(bin, ['-listen', `127.0.0.1:${port}`, '-data', dataDir, '-exit-with-parent'], {
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    child = proc;
    let running = true;
    exited = new Promise<void>((done) => {
      proc.once('exit', () => {
        running = false;
        if (child === proc) child = undefined;
        done();
      });
      proc.once('error', () => {
        running = false;
        if (child === proc) child = undefined;
        done();
      });
    });
    const deadline = Date.now() + 30_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!running) {
        throw new Error(
          `FerretDB on port ${port} exited during startup\n--- ${logFile} ---\n${tail(logFile)}`,
        );
      }
      try {
        await ping(uri);
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    await stop();
    throw new Error(
      `FerretDB on port ${port} not ready after 30 s: ${reason}\n--- ${logFile} ---\n${tail(logFile)}`,
    );
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const dispose = async (): Promise<void> => {
    await stop();
    rmSync(root, { recursive: true, force: true });
  };

  // The free port is only reserved once FerretDB binds it; if another process grabbed it in between, retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      const portTaken = /address already in use/.test(tail(logFile));
      if (!portTaken || attempt >= 5) {
        rmSync(root, { recursive: true, force: true });
        throw err;
      }
      rmSync(logFile, { force: true });
      port = await freePort();
      uri = `mongodb://127.0.0.1:${port}`;
    }
  }
  return { uri, port, start, stop, dispose };
}
