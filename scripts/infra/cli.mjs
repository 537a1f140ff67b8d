#!/usr/bin/env node
// npm run infra:up | infra:down | infra:status
//   Docker engine available (`docker info` succeeds): docker compose -f docker-compose.yml ... kafka mongodb
//   otherwise: native Kafka (Maven Central jars) + FerretDB (tools/ferretdb), see scripts/infra/README.md.
// Extra (used by test/support): `node scripts/infra/cli.mjs ferretdb-bin` builds if needed and prints the binary path.
// Extra (chaos tests): `node scripts/infra/cli.mjs kill kafka|mongodb` SIGKILLs one server; `up` restarts it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  REPO_ROOT,
  ensureFerretBinary,
  infraConfig,
  kafkaBrokers,
  killKafka,
  killMongo,
  mongoUri,
  statusAll,
  upByUser,
  downByUser,
} from './native.mjs';

const USAGE = 'usage: node scripts/infra/cli.mjs up|down|status|ferretdb-bin|kill kafka|kill mongodb';

function dockerAvailable() {
  if (process.env.INFRA_NATIVE === '1') return false;
  const res = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
  return !res.error && res.status === 0;
}

function compose(args) {
  const full = ['compose', '-f', path.join(REPO_ROOT, 'docker-compose.yml'), ...args];
  console.error(`[infra] docker ${full.join(' ')}`);
  const res = spawnSync('docker', full, { stdio: 'inherit', cwd: REPO_ROOT });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

function printEnv(brokers, uri) {
  console.log(`KAFKA_BROKERS=${brokers.join(',')}`);
  console.log(`MONGODB_URI=${uri}`);
}

const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

async function main(cmd) {
  const t0 = Date.now();
  if (cmd === 'ferretdb-bin') {
    console.log(ensureFerretBinary());
    return 0;
  }
  if (!['up', 'down', 'status', 'kill'].includes(cmd)) {
    console.error(USAGE);
    return 2;
  }

  const cfg = infraConfig();
  const killTarget = process.argv[3];
  if (cmd === 'kill' && !['kafka', 'mongodb'].includes(killTarget)) {
    console.error(USAGE);
    return 2;
  }
  if (dockerAvailable()) {
    if (cmd === 'kill') return compose(['kill', '-s', 'SIGKILL', killTarget]);
    if (cmd === 'up') {
      const rc = compose(['up', '-d', '--wait', 'kafka', 'mongodb']);
      if (rc === 0) printEnv(kafkaBrokers(cfg), mongoUri(cfg));
      return rc;
    }
    if (cmd === 'down') return compose(['down']);
    // `ps` lists running services; non-zero if either is missing.
    const res = spawnSync(
      'docker',
      [
        'compose',
        '-f',
        path.join(REPO_ROOT, 'docker-compose.yml'),
        'ps',
        '--status',
        'running',
        '--services',
      ],
      { encoding: 'utf8', cwd: REPO_ROOT },
    );
    compose(['ps']);
    const running = new Set((res.stdout ?? '').split('\n').map((s) => s.trim()));
    return running.has('kafka') && running.has('mongodb') ? 0 : 1;
  }

  if (cmd === 'up') {
    const res = await upByUser(cfg);
    const nothingToDo = !res.kafka.started && !res.mongo.started;
    cfg.log(nothingToDo ? `already up (${seconds(t0)})` : `up in ${seconds(t0)} (state in ${cfg.dir})`);
    printEnv(res.kafkaBrokers, res.mongoUri);
    return 0;
  }
  if (cmd === 'kill') {
    const killed = killTarget === 'kafka' ? await killKafka(cfg) : await killMongo(cfg);
    if (!killed) cfg.log(`${killTarget} was not running`);
    return killed ? 0 : 1;
  }
  if (cmd === 'down') {
    const res = await downByUser(cfg);
    cfg.log(res.kafka || res.mongo ? `down in ${seconds(t0)}` : 'nothing was running');
    return 0;
  }
  // status
  const st = await statusAll(cfg);
  let ok = true;
  for (const [name, s] of [
    ['kafka', st.kafka],
    ['mongodb', st.mongo],
  ]) {
    const state = !s.running ? 'down' : s.healthy ? 'up' : 'unhealthy';
    if (state !== 'up') ok = false;
    const extra = s.error ? `  (${s.error})` : '';
    console.log(
      `${name.padEnd(8)} ${state.padEnd(10)} pid=${String(s.pid ?? '-').padEnd(8)} ${s.address}${extra}`,
    );
  }
  return ok ? 0 : 1;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      `[infra] ${process.argv[2]} failed: ${err?.stack && process.env.INFRA_DEBUG ? err.stack : (err?.message ?? err)}`,
    );
    process.exit(1);
  },
);
