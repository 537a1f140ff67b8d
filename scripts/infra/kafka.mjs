// The single-node KRaft Kafka: readiness probe, start (detached) unless ours is running, stop.
import { infraConfig, kafkaBrokers, kafkaMarker, requireFromRepo as require } from './config.mjs';
import { javaArgs, prepareKafka } from './kafka-config.mjs';
import { portInUse } from './ports.mjs';
import { sleep, spawnDetached, tailFile, waitSpawned } from './proc.mjs';
import { ensureService, stopService } from './service.mjs';

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

export const stopKafka = (overrides = {}) => {
  const cfg = infraConfig(overrides);
  // A controlled KRaft shutdown takes a few seconds; give it time before SIGKILL.
  return stopService('kafka', cfg.kafka.pid, kafkaMarker(cfg), cfg, 30_000);
};
