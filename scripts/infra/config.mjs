// Where the native infra keeps its state (one folder: .infra/ or $INFRA_DIR) and which 127.0.0.1 ports it
// uses; every other module takes this resolved config (or a partial override of it).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** require() resolving from the repo root, for kafkajs / mongodb in node_modules. */
export const requireFromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));

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

// A pid file only counts if /proc/<pid>/cmdline still mentions our own config path (guards against pid reuse
// and against mistaking another engineer's Kafka / FerretDB for ours).
export const kafkaMarker = (cfg) => cfg.kafka.props;
export const ferretMarker = (cfg) => cfg.mongo.data;
