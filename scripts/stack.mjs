#!/usr/bin/env node
// `npm run stack`: the whole system on one machine. Infra up, build, start the four services, wait until
// each answers /health/ready, print where everything listens. Ctrl-C (or SIGTERM) stops it all.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = join(process.env.INFRA_DIR ?? join(root, '.infra'), 'stack');
const basePort = Number(process.env.STACK_BASE_PORT ?? 3000);
const readyTimeoutMs = Number(process.env.STACK_READY_TIMEOUT_MS ?? 120_000);
const skipBuild = process.argv.includes('--no-build');

const SERVICES = [
  { name: 'gateway', db: 'gateway' },
  { name: 'salla-connector', db: 'salla_connector' },
  { name: 'odoo-connector', db: 'odoo_connector' },
  { name: 'privacy-service', db: 'privacy' },
];

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (msg) => console.log(`[stack ${elapsed()}] ${msg}`);
const children = [];
let stopping = false;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...opts,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}`);
  return r.stdout ?? '';
}

/** A dev secret generated once and kept, so data and signatures from one `npm run stack` hold in the next. */
function devSecret(envName, fileName) {
  if (process.env[envName]) return process.env[envName];
  const file = join(stateDir, fileName);
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function infraUp() {
  if (process.env.KAFKA_BROKERS && process.env.MONGODB_URI) {
    say('using KAFKA_BROKERS / MONGODB_URI from the environment');
    return { KAFKA_BROKERS: process.env.KAFKA_BROKERS, MONGODB_URI: process.env.MONGODB_URI, ours: false };
  }
  // Infra that was already running (someone's `npm run infra:up`) is theirs: leave it up on Ctrl-C.
  const wasRunning =
    spawnSync(process.execPath, ['scripts/infra/cli.mjs', 'status'], { cwd: root, stdio: 'ignore' })
      .status === 0;
  say(
    wasRunning
      ? 'Kafka and the MongoDB-wire server are already running'
      : 'starting Kafka and the MongoDB-wire server (npm run infra:up)…',
  );
  const out = run(process.execPath, ['scripts/infra/cli.mjs', 'up']);
  const grab = (name) => out.match(new RegExp(`^${name}=(\\S+)$`, 'm'))?.[1];
  const env = { KAFKA_BROKERS: grab('KAFKA_BROKERS'), MONGODB_URI: grab('MONGODB_URI'), ours: !wasRunning };
  if (!env.KAFKA_BROKERS || !env.MONGODB_URI)
    throw new Error(`infra:up did not print its addresses:\n${out}`);
  return env;
}

async function waitReady(svc) {
  const url = `http://127.0.0.1:${svc.port}/health/ready`;
  let last = 'no answer yet';
  while (Date.now() - svc.startedAt < readyTimeoutMs) {
    if (svc.exited) throw new Error(`${svc.name} exited (code ${svc.exitCode}); see ${svc.log}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${svc.name} not ready after ${readyTimeoutMs} ms: ${last}`);
}

async function stopAll(code, infra) {
  if (stopping) return;
  stopping = true;
  say('stopping services…');
  await Promise.all(
    children.map(
      (svc) =>
        new Promise((res) => {
          if (svc.exited) return res();
          svc.proc.once('exit', res);
          svc.proc.kill('SIGTERM');
          setTimeout(() => svc.proc.kill('SIGKILL'), 30_000).unref();
        }),
    ),
  );
  if (infra?.ours && process.env.STACK_KEEP_INFRA !== 'true') {
    say('stopping infra (npm run infra:down)…');
    spawnSync(process.execPath, ['scripts/infra/cli.mjs', 'down'], { cwd: root, stdio: 'inherit' });
  }
  say('stopped');
  process.exit(code);
}

async function main() {
  let infra;
  process.on('SIGINT', () => void stopAll(0, infra));
  process.on('SIGTERM', () => void stopAll(0, infra));
  try {
    infra = infraUp();
    if (!skipBuild) {
      say('building (npm run build)…');
      run('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
    }
    const masterKey = devSecret('MASTER_KEY', 'dev-master-key');
    const webhookSecret = devSecret('SALLA_WEBHOOK_SECRET', 'dev-webhook-secret');
    mkdirSync(join(stateDir, 'logs'), { recursive: true });
    SERVICES.forEach((s, i) => {
      const svc = {
        ...s,
        port: basePort + i,
        startedAt: Date.now(),
        log: join(stateDir, 'logs', `${s.name}.log`),
      };
      const out = createWriteStream(svc.log, { flags: 'a' });
      svc.proc = spawn(process.execPath, [join(root, 'dist/apps', s.name, 'src', 'main.js')], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_ENV: process.env.NODE_ENV ?? 'development',
          HTTP_PORT: String(svc.port),
          HTTP_HOST: '127.0.0.1',
          KAFKA_BROKERS: infra.KAFKA_BROKERS,
          MONGODB_URI: infra.MONGODB_URI,
          MONGODB_DB: s.db,
          MASTER_KEY: masterKey,
          SALLA_WEBHOOK_SECRET: webhookSecret,
          // Dev-only OAuth client; against the real Salla set the app's own from the Partners portal.
          SALLA_CLIENT_ID: process.env.SALLA_CLIENT_ID ?? 'dev-client-id',
          SALLA_CLIENT_SECRET: process.env.SALLA_CLIENT_SECRET ?? 'dev-client-secret',
        },
      });
      const echo = process.env.STACK_QUIET === 'true' ? null : process.stdout;
      for (const stream of [svc.proc.stdout, svc.proc.stderr]) {
        stream.pipe(out, { end: false });
        if (echo)
          stream.on('data', (d) => echo.write(String(d).replace(/^(?=.)/gm, `${s.name.padEnd(16)}| `)));
      }
      svc.proc.on('exit', (code) => {
        svc.exited = true;
        svc.exitCode = code;
        if (!stopping) {
          say(`${s.name} exited unexpectedly (code ${code}); stopping the stack`);
          void stopAll(1, infra);
        }
      });
      children.push(svc);
    });
    say('waiting for /health/ready on every service…');
    await Promise.all(children.map(waitReady));
    console.log(`\n[stack] ready in ${elapsed()}\n`);
    console.log(`  Kafka           ${infra.KAFKA_BROKERS}`);
    console.log(`  MongoDB-wire    ${infra.MONGODB_URI}`);
    for (const svc of children) {
      console.log(
        `  ${svc.name.padEnd(16)}http://127.0.0.1:${svc.port}  (/health/ready, /metrics)  log: ${svc.log}`,
      );
    }
    console.log('\nCtrl-C stops everything.\n');
    if (process.argv.includes('--exit-when-ready')) await stopAll(0, infra);
  } catch (e) {
    console.error(`[stack] ${e.message}`);
    await stopAll(1, infra);
  }
}

await main();
