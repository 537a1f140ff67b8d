// Both servers together: up, stop, status.
import { ferretMarker, infraConfig, kafkaBrokers, kafkaMarker, mongoUri } from './config.mjs';
import { ensureFerretBinary } from './ferretdb-binary.mjs';
import { ensureMongo, stopMongo, waitForMongo } from './ferretdb.mjs';
import { ensureKafkaJars } from './kafka-jars.mjs';
import { ensureKafka, stopKafka, waitForKafka } from './kafka.mjs';
import { readPid } from './proc.mjs';

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
