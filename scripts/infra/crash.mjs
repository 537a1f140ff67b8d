// Crash one server on purpose (chaos tests): SIGKILL, no clean shutdown, data dir left as the crash left it.
// `up` afterwards restarts it on the same ports and data dir (ensureKafka / ensureMongo are idempotent).
import { ferretMarker, infraConfig, kafkaMarker } from './config.mjs';
import { isAlive, readPid, sleep } from './proc.mjs';

async function killByPidFile(name, pidFile, marker, cfg) {
  // The pid file stays: a dead pid is ignored by the next start, and a live one was never ours to kill.
  const pid = readPid(pidFile, marker);
  if (!pid) return false;
  cfg.log(`SIGKILL ${name} (pid ${pid})`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  while (isAlive(pid)) await sleep(50);
  return true;
}

/** SIGKILL this infra dir's Kafka and wait until the process is gone; false if it was not running. */
export const killKafka = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  return killByPidFile('kafka', cfg.kafka.pid, kafkaMarker(cfg), cfg);
};

/** SIGKILL this infra dir's FerretDB and wait until the process is gone; false if it was not running. */
export const killMongo = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  return killByPidFile('mongodb (ferretdb)', cfg.mongo.pid, ferretMarker(cfg), cfg);
};
