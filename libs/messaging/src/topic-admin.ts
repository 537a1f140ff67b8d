import { Logger } from '@nestjs/common';
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';

import type { TopicSpec } from '@app/contracts';

export interface EnsureTopicsOptions {
  /** Replication factor of created topics; default min(3, number of brokers). */
  replicationFactor?: number;
  /** How long to wait for the controller and for partition leaders (ms, default 30 s). */
  timeoutMs?: number;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

export interface EnsureTopicsResult {
  /** Topics that did not exist when we looked (created by this call or by a concurrent starter). */
  created: string[];
  existing: string[];
}

function toTopicConfig(spec: TopicSpec, replicationFactor: number): ITopicConfig {
  return {
    topic: spec.topic,
    numPartitions: spec.numPartitions,
    replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(spec.retentionMs) },
      { name: 'cleanup.policy', value: spec.cleanupPolicy },
    ],
  };
}

/**
 * Waits until every topic has a leader for each partition AND answers a ListOffsets request: in KRaft the
 * metadata can name a leader a moment before that broker actually hosts the partition, and a producer or
 * consumer arriving in that window gets NOT_LEADER / UNKNOWN_TOPIC_OR_PARTITION.
 */
async function waitUntilUsable(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let problem: unknown;
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) {
        await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)));
        return;
      }
      problem = new Error(`no partition leaders yet: ${leaderless.map((t) => t.name).join(', ')}`);
    } catch (err) {
      problem = err;
    }
    if (Date.now() >= deadline) throw problem;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Creates the topics of `specs` that do not exist yet and waits until every one of them has partition
 * leaders. Idempotent, and safe when several processes start at once: a topic another process created
 * between our listing and our create is just "already there". Existing topics are never altered (raising a
 * partition count would remap keys and break per-key ordering); a mismatch is logged as a warning.
 */
export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const logger = options.logger ?? new Logger('TopicAdmin');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const names = specs.map((s) => s.topic);
  if (names.length === 0) return { created: [], existing: [] };

  const admin = kafka.admin();
  await admin.connect();
  try {
    const existingNames = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existingNames.has(s.topic));
    const created: string[] = [];
    if (missing.length > 0) {
      const replicationFactor =
        options.replicationFactor ?? Math.min(3, (await admin.describeCluster()).brokers.length);
      // Resolves false when at least one already existed (a concurrent starter won the race for it); the
      // others were created. Either way every missing topic exists afterwards.
      await admin.createTopics({
        topics: missing.map((s) => toTopicConfig(s, replicationFactor)),
        waitForLeaders: true,
        timeout: timeoutMs,
      });
      created.push(...missing.map((s) => s.topic));
      logger.log(`created topics: ${created.join(', ')} (replication ${replicationFactor})`);
    }
    // Covers topics created by someone else a moment ago, and the "some already existed" path above, where
    // kafkajs skips its own leader wait.
    await waitUntilUsable(admin, names, timeoutMs);

    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
    const partitionsOf = new Map(metadata.map((t) => [t.name, t.partitions.length]));
    for (const s of specs) {
      const actual = partitionsOf.get(s.topic);
      if (actual !== undefined && actual !== s.numPartitions && !created.includes(s.topic)) {
        logger.warn(`topic ${s.topic} has ${actual} partitions, spec says ${s.numPartitions}; left as is`);
      }
    }
    return { created, existing: names.filter((n) => !created.includes(n)) };
  } finally {
    await admin.disconnect();
  }
}
