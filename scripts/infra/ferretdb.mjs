// FerretDB (the MongoDB-wire server): start a process, readiness probe, start (detached) unless ours is
// running, stop.
import fs from 'node:fs';
import path from 'node:path';
import { ferretMarker, infraConfig, mongoUri, requireFromRepo as require } from './config.mjs';
import { ensureFerretBinary } from './ferretdb-binary.mjs';
import { sleep, spawnDetached, tailFile, waitSpawned } from './proc.mjs';
import { ensureService, stopService } from './service.mjs';

/**
 * Start a FerretDB process. Returns the ChildProcess (pid in child.pid).
 * detached: survive the caller (used by `infra:up`); exitWithParent: the server stops itself when the
 * calling process dies (used by tests so a killed jest worker does not leak servers).
 */
export async function startFerretProcess({
  port,
  dataDir,
  logFile = path.join(dataDir, '..', 'ferretdb.log'),
  detached = true,
  exitWithParent = false,
  logLevel = 'error',
  bin = ensureFerretBinary(),
}) {
  fs.mkdirSync(dataDir, { recursive: true });
  const args = ['-listen', `127.0.0.1:${port}`, '-data', dataDir, '-log-level', logLevel];
  if (exitWithParent) args.push('-exit-with-parent');
  const child = spawnDetached(bin, args, { logFile, detached });
  await waitSpawned(child, 'FerretDB');
  return child;
}

/** Resolves once a MongoDB `ping` succeeds; rejects after timeoutMs with the log tail. */
export async function waitForMongo(uri, { timeoutMs = 30_000, logFile, isRunning = () => true } = {}) {
  const { MongoClient } = require('mongodb');
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (!isRunning()) {
      throw new Error(
        `FerretDB exited before becoming ready at ${uri}${logFile ? `\n--- ${logFile} ---\n${tailFile(logFile)}` : ''}`,
      );
    }
    const client = new MongoClient(uri, {
      serverSelectionTimeoutMS: 1000,
      connectTimeoutMS: 1000,
      directConnection: true,
    });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastErr = err;
    } finally {
      await client.close().catch(() => {});
    }
    await sleep(200);
  }
  throw new Error(
    `MongoDB-wire server at ${uri} not ready after ${timeoutMs} ms: ${lastErr?.message ?? 'unknown'}` +
      (logFile ? `\n--- tail of ${logFile} ---\n${tailFile(logFile)}` : ''),
  );
}

/** Start FerretDB (detached) on the configured port unless ours is already running; resolves when ping works. */
export async function ensureMongo(overrides = {}) {
  const cfg = infraConfig(overrides);
  const uri = mongoUri(cfg);
  const res = await ensureService({
    name: 'mongodb (ferretdb)',
    cfg,
    pidFile: cfg.mongo.pid,
    marker: ferretMarker(cfg),
    port: cfg.mongoPort,
    address: uri,
    logFile: cfg.mongo.log,
    timeoutMs: overrides.timeoutMs ?? 30_000,
    wait: (opts) => waitForMongo(uri, opts),
    start: () =>
      startFerretProcess({
        port: cfg.mongoPort,
        dataDir: cfg.mongo.data,
        logFile: cfg.mongo.log,
        bin: ensureFerretBinary(cfg),
      }),
  });
  return { ...res, uri };
}

export const stopMongo = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  return stopService('mongodb (ferretdb)', cfg.mongo.pid, ferretMarker(cfg), cfg, 15_000);
};
