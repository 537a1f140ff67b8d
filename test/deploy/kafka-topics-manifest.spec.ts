import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TOPIC_SPECS, type TopicSpec } from '@app/contracts';

import {
  KAFKA_TOPICS_MANIFEST,
  MAX_TOPIC_RETENTION_MS,
  renderKafkaTopicsManifest,
} from './kafka-topics-manifest';

const committed = readFileSync(join(__dirname, '..', '..', KAFKA_TOPICS_MANIFEST), 'utf8');

/** The KafkaTopic documents of a rendered manifest, read back field by field (no YAML library needed). */
function topicsIn(manifest: string): Map<string, Record<string, string>> {
  const topics = new Map<string, Record<string, string>>();
  for (const doc of manifest.split(/^---$/m).slice(1)) {
    const field = (name: string): string => {
      const match = new RegExp(`^\\s+${name.replace(/\./g, '\\.')}: (.+)$`, 'm').exec(doc);
      if (!match) throw new Error(`no ${name} in:\n${doc}`);
      return match[1];
    };
    const names = [
      'topicName',
      'partitions',
      'replicas',
      'retention.ms',
      'cleanup.policy',
      'min.insync.replicas',
    ];
    topics.set(field('topicName'), Object.fromEntries(names.map((n) => [n, field(n)])));
  }
  return topics;
}

describe('k8s/base/kafka/topics.yaml', () => {
  it('is exactly what `npm run k8s:topics` renders from TOPIC_SPECS (no drift)', () => {
    expect(committed).toBe(renderKafkaTopicsManifest());
  });

  it('declares every topic and dead-letter topic with its partitions and retention', () => {
    const topics = topicsIn(committed);
    expect([...topics.keys()].sort()).toEqual(TOPIC_SPECS.map((s) => s.topic).sort());
    for (const spec of TOPIC_SPECS) {
      expect(topics.get(spec.topic)).toEqual({
        topicName: spec.topic,
        partitions: String(spec.numPartitions),
        replicas: '3',
        'retention.ms': String(spec.retentionMs),
        'cleanup.policy': 'delete',
        'min.insync.replicas': '2',
      });
      expect(spec.retentionMs).toBeLessThanOrEqual(MAX_TOPIC_RETENTION_MS);
    }
  });

  it('refuses to render a topic kept longer than 28 days', () => {
    const tooLong: TopicSpec = { ...TOPIC_SPECS[0], retentionMs: MAX_TOPIC_RETENTION_MS + 1 };
    expect(() => renderKafkaTopicsManifest([tooLong])).toThrow(/exceeds 28 days/);
  });

  it('notices a changed spec: the rendering differs from the committed file', () => {
    const changed = TOPIC_SPECS.map((s, i) => (i === 0 ? { ...s, numPartitions: s.numPartitions + 1 } : s));
    expect(renderKafkaTopicsManifest(changed)).not.toBe(committed);
  });
});
