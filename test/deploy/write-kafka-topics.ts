/**
 * `npm run k8s:topics`: writes k8s/base/kafka/topics.yaml from TOPIC_SPECS.
 * `npm run k8s:topics -- --check`: exits 1 (and writes nothing) when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { KAFKA_TOPICS_MANIFEST, renderKafkaTopicsManifest } from './kafka-topics-manifest';

const path = join(__dirname, '..', '..', KAFKA_TOPICS_MANIFEST);
const wanted = renderKafkaTopicsManifest();
let current = '';
try {
  current = readFileSync(path, 'utf8');
} catch {
  // Missing file: written below, or reported as drift with --check.
}

if (process.argv.includes('--check')) {
  if (current !== wanted) {
    console.error(`${KAFKA_TOPICS_MANIFEST} is out of date with TOPIC_SPECS: run \`npm run k8s:topics\``);
    process.exit(1);
  }
  console.log(`${KAFKA_TOPICS_MANIFEST} matches TOPIC_SPECS`);
} else if (current === wanted) {
  console.log(`${KAFKA_TOPICS_MANIFEST} already up to date`);
} else {
  writeFileSync(path, wanted);
  console.log(`wrote ${KAFKA_TOPICS_MANIFEST}`);
}
