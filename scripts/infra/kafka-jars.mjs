// The Kafka broker classpath: jars from Maven Central (scripts/infra/kafka-pom.xml), cached per pom hash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, infraConfig } from './config.mjs';
import { run } from './proc.mjs';

export const KAFKA_VERSION = '3.9.1';
const KAFKA_POM = path.join(REPO_ROOT, 'scripts', 'infra', 'kafka-pom.xml');
const DEP_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies';

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
