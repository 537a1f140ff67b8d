// Jest global setup for the `integration` project. Runs once in the jest parent process; workers inherit
// process.env, so test files read KAFKA_BROKERS / MONGODB_URI (see integrationEnv() in @app/testing).
//   1. KAFKA_BROKERS and MONGODB_URI both set -> use them, start nothing.
//   2. a Docker engine answers `docker info` -> Kafka + MongoDB 7 containers via testcontainers.
//   3. otherwise -> native Kafka + FerretDB from scripts/infra (default ports or INFRA_* overrides).
// What was started is remembered on globalThis; global-teardown.ts stops exactly that (native: see leases).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Kafka, logLevel } from 'kafkajs';

// Relative paths: jest's moduleNameMapper (@app/*) does not apply to a global setup file.
import { TOPIC_SPECS } from '../../libs/contracts/src/topic-specs';
import { ensureTopics } from '../../libs/messaging/src/topic-admin';

export interface InfraHandle {
  kind: 'external' | 'testcontainers' | 'native';
  stop(): Promise<void>;
}

declare global {
  var __INTEGRATION_INFRA__: InfraHandle | undefined;
}

const REPO_ROOT = join(__dirname, '..', '..');

/** Subset of scripts/infra/native.mjs used here. */
interface NativeInfra {
  /** upAll() + a lease for this process; servers it starts are marked test-owned. */
  upForTests(): Promise<{
    kafkaBrokers: string[];
    mongoUri: string;
    kafka: { started: boolean };
    mongo: { started: boolean };
  }>;
  /** Drops the lease; stops test-owned servers once no other test run holds a lease. */
  releaseForTests(): Promise<{ kafka: boolean; mongo: boolean }>;
}

// ts-jest compiles to CommonJS, which turns `import()` into `require()` and cannot load an ES module;
// a Function-constructed import() is left alone and runs natively (global setup runs outside jest's vm).
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

export function loadNativeInfra(): Promise<NativeInfra> {
  return importEsm(
    pathToFileURL(join(REPO_ROOT, 'scripts', 'infra', 'native.mjs')).href,
  ) as Promise<NativeInfra>;
}

function dockerAvailable(): boolean {
  if (process.env.INFRA_NATIVE === '1') return false;
  const res = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 });
  return !res.error && res.status === 0;
}

const log = (msg: string): void => {
  process.stderr.write(`[integration setup] ${msg}\n`);
};

async function startContainers(): Promise<InfraHandle> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  log('Docker found: starting Kafka and MongoDB containers (testcontainers)');
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.1') // Kafka 3.9, same as the native infra
      .withKraft()
      .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false', KAFKA_NUM_PARTITIONS: '3' })
      .start(),
    new MongoDBContainer('mongo:7.0').start(),
  ]);
  const host = (h: string): string => (h === 'localhost' ? '127.0.0.1' : h);
  process.env.KAFKA_BROKERS = `${host(kafka.getHost())}:${kafka.getMappedPort(9093)}`;
  // The container is a single-member replica set whose member name is not resolvable from the host.
  process.env.MONGODB_URI = `mongodb://${host(mongo.getHost())}:${mongo.getMappedPort(27017)}/?directConnection=true`;
  return {
    kind: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

async function startNative(): Promise<InfraHandle> {
  const native = await loadNativeInfra();
  // Concurrent jest runs share the servers on the default ports: a lock serialises startup and leases make
  // the last run out stop what test runs started (never servers started by hand with `npm run infra:up`).
  const res = await native.upForTests();
  process.env.KAFKA_BROKERS = res.kafkaBrokers.join(',');
  process.env.MONGODB_URI = res.mongoUri;
  log(
    `native infra: KAFKA_BROKERS=${process.env.KAFKA_BROKERS} (${res.kafka.started ? 'started' : 'already running'}), ` +
      `MONGODB_URI=${process.env.MONGODB_URI} (${res.mongo.started ? 'started' : 'already running'})`,
  );
  return {
    kind: 'native',
    stop: async () => {
      await native.releaseForTests();
    },
  };
}

/**
 * The application's topics exist before any test, as a deployment provisions them (k8s topics manifest): a
 * test that subscribes before any service has started would otherwise depend on which test ran first (on a
 * fresh CI broker an observer's subscribe failed with "This server does not host this topic-partition").
 */
async function provisionTopics(): Promise<void> {
  const kafka = new Kafka({
    clientId: 'integration-setup',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const t0 = Date.now();
  const { created } = await ensureTopics(kafka, TOPIC_SPECS, {
    replicationFactor: 1,
    timeoutMs: 120_000,
    logger: { log: () => undefined, warn: (message: string) => log(message) },
  });
  log(
    `topics: ${created.length} created, ${TOPIC_SPECS.length - created.length} existed (${Date.now() - t0} ms)`,
  );
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS && process.env.MONGODB_URI) {
    globalThis.__INTEGRATION_INFRA__ = { kind: 'external', stop: () => Promise.resolve() };
  } else {
    const t0 = Date.now();
    globalThis.__INTEGRATION_INFRA__ = dockerAvailable() ? await startContainers() : await startNative();
    log(`infra ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  await provisionTopics();
}
