// Native (no Docker) dev/test infrastructure: Apache Kafka 3.9.1 in KRaft mode from Maven Central jars, and
// FerretDB v1.24.2 (SQLite backend) built from tools/ferretdb. Everything lives under one folder (.infra/ or
// $INFRA_DIR). Only node built-ins plus kafkajs / mongodb (already in node_modules) are used.
//
// Importable: scripts/stack.mjs and the jest global setup reuse these functions.
//
// This file is only the public entry; the code lives in one module per concern:
//   config.mjs           paths, ports (INFRA_* variables), addresses, pid-file markers
//   proc.mjs             run a command, spawn detached, pid files, liveness, stop a pid
//   ports.mjs            port in use / free port
//   service.mjs          start / stop one pid-file-tracked server
//   kafka-jars.mjs       Kafka jars from Maven Central
//   kafka-config.mjs     server.properties, log4j, JVM args, KRaft storage format
//   kafka.mjs            Kafka readiness, ensureKafka, stopKafka
//   ferretdb-binary.mjs  go build of tools/ferretdb
//   ferretdb.mjs         FerretDB process, readiness, ensureMongo, stopMongo
//   lifecycle.mjs        both servers: upAll, stopAll, statusAll
//   lock.mjs             infra.lock around commands
//   leases.mjs           test-run leases, test ownership, by-hand up/down
//   crash.mjs            SIGKILL one server (chaos tests; `up` restarts it)
export { REPO_ROOT, infraConfig, kafkaBrokers, mongoUri } from './config.mjs';
export { tailFile, isAlive, readPid, stopPid } from './proc.mjs';
export { portInUse, freePort } from './ports.mjs';
export { KAFKA_VERSION, ensureKafkaJars } from './kafka-jars.mjs';
export { prepareKafka } from './kafka-config.mjs';
export { waitForKafka, ensureKafka, stopKafka } from './kafka.mjs';
export { ensureFerretBinary } from './ferretdb-binary.mjs';
export { startFerretProcess, waitForMongo, ensureMongo, stopMongo } from './ferretdb.mjs';
export { upAll, stopAll, statusAll } from './lifecycle.mjs';
export { withInfraLock } from './lock.mjs';
export { upForTests, releaseForTests, upByUser, downByUser } from './leases.mjs';
export { killKafka, killMongo } from './crash.mjs';
