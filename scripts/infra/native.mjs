// Native (no Docker) dev/test infrastructure: Apache Kafka 3.9.1 in KRaft mode from Maven Central jars, and
// FerretDB v1.24.2 (SQLite backend) built from tools/ferretdb. Everything lives under one folder (.infra/ or
// $INFRA_DIR). Only node built-ins plus kafkajs / mongodb (already in node_modules) are used.
//
// Importable: scripts/stack.mjs and the jest global setup reuse these functions.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(REPO_ROOT, 'package.json'));

export const KAFKA_VERSION = '3.9.1';
const FERRET_SRC = path.join(REPO_ROOT, 'tools', 'ferretdb');
const KAFKA_POM = path.join(REPO_ROOT, 'scripts', 'infra', 'kafka-pom.xml');
const DEP_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';
const JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

// ---------------------------------------------------------------------------------------------- config

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535)
    throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return n;
}

/** Resolved layout and ports. Every function accepts an optional partial override of this object. */
export function infraConfig(overrides = {}) {
  const dir = path.resolve(REPO_ROOT, overrides.dir ?? process.env.INFRA_DIR ?? '.infra');
  const cfg = {
    dir,
    host: '127.0.0.1',
    kafkaPort: overrides.kafkaPort ?? intEnv('INFRA_KAFKA_PORT', 9092),
    kafkaControllerPort: overrides.kafkaControllerPort ?? intEnv('INFRA_KAFKA_CONTROLLER_PORT', 9093),
    mongoPort: overrides.mongoPort ?? intEnv('INFRA_MONGO_PORT', 27017),
    ferretBin: path.join(dir, 'bin', 'ferretdb'),
    kafka: {
      home: path.join(dir, 'kafka'),
      lib: path.join(dir, 'kafka', 'lib'),
      data: path.join(dir, 'kafka', 'data'),
      props: path.join(dir, 'kafka', 'server.properties'),
      log4j: path.join(dir, 'kafka', 'log4j.properties'),
      log: path.join(dir, 'kafka', 'kafka.log'),
      pid: path.join(dir, 'kafka', 'kafka.pid'),
      clusterId: path.join(dir, 'kafka', 'cluster-id'),
    },
    mongo: {
      home: path.join(dir, 'mongo'),
      data: path.join(dir, 'mongo', 'data'),
      log: path.join(dir, 'mongo', 'ferretdb.log'),
      pid: path.join(dir, 'mongo', 'ferretdb.pid'),
    },
    log: overrides.log ?? ((msg) => process.stderr.write(`[infra] ${msg}\n`)),
  };
  if (cfg.kafkaPort === cfg.kafkaControllerPort) throw new Error('Kafka and controller ports must differ');
  return cfg;
}

export const kafkaBrokers = (cfg = infraConfig()) => [`${cfg.host}:${cfg.kafkaPort}`];
export const mongoUri = (cfg = infraConfig()) => `mongodb://${cfg.host}:${cfg.mongoPort}`;

// ---------------------------------------------------------------------------------------------- helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args, opts = {}) {
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

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
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

/** True if something accepts TCP connections on host:port. */
export function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

/** A currently free TCP port on 127.0.0.1 (the OS picks it; there is a small race until it is bound). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
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

function spawnDetached(cmd, args, { logFile, cwd, env, detached = true }) {
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

async function waitSpawned(child, what) {
  // spawn() reports ENOENT asynchronously; surface it instead of waiting for a readiness timeout.
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`cannot start ${what}: "${child.spawnfile}" not found`) : err),
    );
  });
}

// ---------------------------------------------------------------------------------------------- FerretDB

function ferretSourcesMtime() {
  return Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => mtime(path.join(FERRET_SRC, f))));
}

/**
 * Path of the FerretDB binary, building it with `go build` when missing or older than tools/ferretdb sources.
 * Builds into a temp file and renames, so concurrent callers never see a half-written binary.
 */
export function ensureFerretBinary(overrides = {}) {
  const cfg = infraConfig(overrides);
  const bin = cfg.ferretBin;
  const srcTime = ferretSourcesMtime();
  if (srcTime === 0) throw new Error(`FerretDB sources not found in ${FERRET_SRC}`);
  if (mtime(bin) >= srcTime) return bin;
  cfg.log(`building FerretDB (go build in ${path.relative(REPO_ROOT, FERRET_SRC)}) -> ${bin}`);
  const started = Date.now();
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  try {
    run('go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], {
      cwd: FERRET_SRC,
      why: 'building tools/ferretdb (install Go >= 1.24)',
      env: { ...process.env, GOFLAGS: [process.env.GOFLAGS, '-mod=readonly'].filter(Boolean).join(' ') },
    });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  cfg.log(`built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

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

// ---------------------------------------------------------------------------------------------- Kafka

/**
 * Download the Kafka broker jars (and a logging binding) from Maven Central into <infra>/kafka/lib.
 * Cached: skipped when the lib folder was completed for the current kafka-pom.xml.
 */
export function ensureKafkaJars(overrides = {}) {
  const cfg = infraConfig(overrides);
  const pomHash = createHash('sha256').update(fs.readFileSync(KAFKA_POM)).digest('hex');
  const stamp = path.join(cfg.kafka.lib, '.complete');
  try {
    if (fs.readFileSync(stamp, 'utf8').trim() === pomHash) return cfg.kafka.lib;
  } catch {
    /* not cached yet */
  }
  cfg.log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central -> ${cfg.kafka.lib}`);
  const started = Date.now();
  const tmp = `${cfg.kafka.lib}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    run(
      'mvn',
      ['-q', '-B', '-f', KAFKA_POM, DEP_PLUGIN, '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
      { cwd: REPO_ROOT, why: 'fetching the Kafka jars (install Maven and a JDK >= 17)' },
    );
    if (!fs.existsSync(path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(`maven finished but kafka_2.13-${KAFKA_VERSION}.jar is not in ${tmp}`);
    }
    fs.writeFileSync(path.join(tmp, '.complete'), `${pomHash}\n`);
    fs.rmSync(cfg.kafka.lib, { recursive: true, force: true });
    fs.renameSync(tmp, cfg.kafka.lib);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  cfg.log(`fetched Kafka jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return cfg.kafka.lib;
}

function kafkaProperties(cfg) {
  const { host, kafkaPort: port, kafkaControllerPort: ctrl } = cfg;
  return [
    '# Generated by scripts/infra/native.mjs on every start; edit that file, not this one.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ctrl}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${ctrl}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${cfg.kafka.data}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Our messaging lib creates topics explicitly; a typo must fail instead of silently creating a topic.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=INFO',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.org.apache.kafka.raft=WARN',
  'log4j.logger.kafka.log.LogCleaner=WARN',
  'log4j.logger.org.apache.kafka.storage.internals.log=WARN',
  'log4j.logger.kafka.log=WARN',
  '',
].join('\n');

function javaArgs(cfg, mainClass, args) {
  return [
    ...JVM_OPTS,
    `-Dlog4j.configuration=file:${cfg.kafka.log4j}`,
    '-cp',
    `${cfg.kafka.lib}${path.sep}*`,
    mainClass,
    ...args,
  ];
}

/** Write server.properties / log4j.properties and format the KRaft storage once. */
export function prepareKafka(overrides = {}) {
  const cfg = infraConfig(overrides);
  ensureKafkaJars(cfg);
  fs.mkdirSync(cfg.kafka.data, { recursive: true });
  fs.writeFileSync(cfg.kafka.props, kafkaProperties(cfg));
  fs.writeFileSync(cfg.kafka.log4j, LOG4J);
  if (!fs.existsSync(path.join(cfg.kafka.data, 'meta.properties'))) {
    let clusterId = fs.existsSync(cfg.kafka.clusterId)
      ? fs.readFileSync(cfg.kafka.clusterId, 'utf8').trim()
      : '';
    if (!clusterId) {
      clusterId = run('java', javaArgs(cfg, 'kafka.tools.StorageTool', ['random-uuid']), {
        why: 'running Kafka (install a JDK >= 17)',
      })
        .trim()
        .split('\n')
        .pop()
        .trim();
      fs.writeFileSync(cfg.kafka.clusterId, `${clusterId}\n`);
    }
    cfg.log(`formatting Kafka storage (cluster id ${clusterId})`);
    run(
      'java',
      javaArgs(cfg, 'kafka.tools.StorageTool', [
        'format',
        '-t',
        clusterId,
        '-c',
        cfg.kafka.props,
        '--ignore-formatted',
      ]),
      {
        why: 'running Kafka (install a JDK >= 17)',
      },
    );
  }
  return cfg;
}

/** Resolves once kafkajs admin describeCluster() sees a broker; rejects after timeoutMs with the log tail. */
export async function waitForKafka(brokers, { timeoutMs = 60_000, logFile, isRunning = () => true } = {}) {
  const { Kafka, logLevel } = require('kafkajs');
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (!isRunning()) {
      throw new Error(
        `Kafka exited before becoming ready at ${brokers.join(',')}${logFile ? `\n--- tail of ${logFile} ---\n${tailFile(logFile)}` : ''}`,
      );
    }
    const kafka = new Kafka({
      clientId: 'infra-readiness',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller !== undefined)
        return cluster;
      lastErr = new Error('no brokers registered yet');
    } catch (err) {
      lastErr = err;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await sleep(250);
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} not ready after ${timeoutMs} ms: ${lastErr?.message ?? 'unknown'}` +
      (logFile ? `\n--- tail of ${logFile} ---\n${tailFile(logFile)}` : ''),
  );
}

// A pid file only counts if /proc/<pid>/cmdline still mentions our own config path (guards against pid reuse
// and against mistaking another engineer's Kafka / FerretDB for ours).
const kafkaMarker = (cfg) => cfg.kafka.props;
const ferretMarker = (cfg) => cfg.mongo.data;

async function ensureService({ name, cfg, pidFile, marker, port, address, wait, start, timeoutMs, logFile }) {
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

/** Start the single-node Kafka (detached) unless ours is already running; resolves when it is ready. */
export async function ensureKafka(overrides = {}) {
  const cfg = infraConfig(overrides);
  const brokers = kafkaBrokers(cfg);
  const res = await ensureService({
    name: 'kafka',
    cfg,
    pidFile: cfg.kafka.pid,
    marker: kafkaMarker(cfg),
    port: cfg.kafkaPort,
    address: brokers[0],
    logFile: cfg.kafka.log,
    timeoutMs: overrides.timeoutMs ?? 90_000,
    wait: (opts) => waitForKafka(brokers, opts),
    start: async () => {
      if (await portInUse(cfg.kafkaControllerPort)) {
        throw new Error(
          `kafka: controller port ${cfg.kafkaControllerPort} is already in use (INFRA_KAFKA_CONTROLLER_PORT)`,
        );
      }
      prepareKafka(cfg);
      const child = spawnDetached('java', javaArgs(cfg, 'kafka.Kafka', [cfg.kafka.props]), {
        logFile: cfg.kafka.log,
        cwd: cfg.kafka.home,
      });
      await waitSpawned(child, 'Kafka (java)');
      return child;
    },
  });
  return { ...res, brokers };
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

/**
 * Fetch/build the artifacts, then start Kafka and FerretDB (in parallel) if needed.
 * Returns { kafkaBrokers, mongoUri, kafka, mongo } where kafka.started / mongo.started tell whether this call
 * started them (so a caller such as the jest global setup stops only what it started).
 */
export async function upAll(overrides = {}) {
  const cfg = infraConfig(overrides);
  // Synchronous builds first (mvn, go) so their output does not interleave and failures are obvious.
  ensureKafkaJars(cfg);
  ensureFerretBinary(cfg);
  const [kafka, mongo] = await Promise.allSettled([ensureKafka(cfg), ensureMongo(cfg)]);
  if (kafka.status === 'rejected' || mongo.status === 'rejected') {
    // Do not leave half an environment behind that this call started.
    if (kafka.status === 'fulfilled' && kafka.value.started) await stopKafka(cfg);
    if (mongo.status === 'fulfilled' && mongo.value.started) await stopMongo(cfg);
    const errors = [kafka, mongo].filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (errors.length === 1) throw errors[0];
    throw new Error(errors.map((e) => e.message).join('\n\n'));
  }
  return {
    kafkaBrokers: kafka.value.brokers,
    mongoUri: mongo.value.uri,
    kafka: kafka.value,
    mongo: mongo.value,
  };
}

async function stopService(name, pidFile, marker, cfg, timeoutMs) {
  const pid = readPid(pidFile, marker);
  fs.rmSync(pidFile, { force: true });
  if (!pid) return false;
  cfg.log(`stopping ${name} (pid ${pid})`);
  await stopPid(pid, { timeoutMs, name }, cfg.log);
  return true;
}

export const stopKafka = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  // A controlled KRaft shutdown takes a few seconds; give it time before SIGKILL.
  return stopService('kafka', cfg.kafka.pid, kafkaMarker(cfg), cfg, 30_000);
};

export const stopMongo = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  return stopService('mongodb (ferretdb)', cfg.mongo.pid, ferretMarker(cfg), cfg, 15_000);
};

/** Stop both servers started from this infra dir (no-op for those not running). */
export async function stopAll(overrides = {}) {
  const cfg = infraConfig(overrides);
  const [kafka, mongo] = await Promise.all([stopKafka(cfg), stopMongo(cfg)]);
  return { kafka, mongo };
}

/** State of both servers: { kafka: {running, healthy, pid, address}, mongo: {...} }. */
export async function statusAll(overrides = {}) {
  const cfg = infraConfig(overrides);
  const check = async (pidFile, marker, address, probe) => {
    const pid = readPid(pidFile, marker);
    if (!pid) return { running: false, healthy: false, pid: null, address };
    try {
      await probe();
      return { running: true, healthy: true, pid, address };
    } catch (err) {
      return { running: true, healthy: false, pid, address, error: err.message.split('\n')[0] };
    }
  };
  const [kafka, mongo] = await Promise.all([
    check(cfg.kafka.pid, kafkaMarker(cfg), kafkaBrokers(cfg)[0], () =>
      waitForKafka(kafkaBrokers(cfg), { timeoutMs: 3000 }),
    ),
    check(cfg.mongo.pid, ferretMarker(cfg), mongoUri(cfg), () =>
      waitForMongo(mongoUri(cfg), { timeoutMs: 3000 }),
    ),
  ]);
  return { kafka, mongo };
}

// ---------------------------------------------------------------------------------------------- sharing

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
