import { deadLetterTopicOf, Topic } from './topics';

/**
 * How a topic is declared on the broker. Replication is not part of the spec: it belongs to the cluster
 * (the topic admin picks min(3, brokers) unless told otherwise), so the same specs serve dev and production.
 */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** `retention.ms` */
  retentionMs: number;
  /** `cleanup.policy`. Always `delete`: these are event streams, compaction would drop history per key. */
  cleanupPolicy: 'delete';
  /** An event stream, or the dead-letter topic parking what a consumer of `deadLetterOf` could not handle. */
  kind: 'event' | 'dead-letter';
  /** For a dead-letter topic, the topic it belongs to. */
  deadLetterOf?: string;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Per-store entity streams: enough partitions to spread stores, ordered per key (store or store:entity). */
const ENTITY = { numPartitions: 6, retentionMs: 7 * DAY } as const;
/** Low-volume streams: store lifecycle, privacy requests, ops results. */
const LOW_VOLUME = { numPartitions: 3, retentionMs: 7 * DAY } as const;

/**
 * Every `Topic` must appear here (the `Record<Topic, …>` type makes a new enum value without a spec a
 * compile error). Partition counts are a one-way door: raising one later remaps keys to partitions and breaks
 * per-key ordering for in-flight data, so pick them with room to grow.
 */
const EVENT_TOPICS: Record<Topic, { numPartitions: number; retentionMs: number }> = {
  // Raw webhooks carry personal data and are turned into domain events within seconds; keep them briefly.
  [Topic.SallaWebhookReceived]: { numPartitions: 6, retentionMs: 3 * DAY },

  [Topic.StoreInstalled]: LOW_VOLUME,
  [Topic.StoreAuthorized]: LOW_VOLUME,
  [Topic.StoreSettingsUpdated]: LOW_VOLUME,
  [Topic.StoreUninstalled]: LOW_VOLUME,
  [Topic.StoreProfileUpdated]: LOW_VOLUME,
  [Topic.StoreSyncReady]: LOW_VOLUME,

  [Topic.CatalogProductUpserted]: ENTITY,
  [Topic.CatalogProductDeleted]: ENTITY,
  [Topic.CatalogCategoryUpserted]: ENTITY,
  [Topic.CatalogCategoryDeleted]: ENTITY,

  [Topic.InventoryLevelChanged]: ENTITY,
  [Topic.InventoryLevelSet]: ENTITY,

  [Topic.SalesOrderUpserted]: ENTITY,
  [Topic.SalesOrderCancelled]: ENTITY,
  [Topic.SalesOrderRefunded]: ENTITY,
  [Topic.SalesOrderStatusSet]: ENTITY,

  [Topic.CustomerUpserted]: ENTITY,
  [Topic.ShippingMethodUpserted]: ENTITY,
  [Topic.PaymentMethodUpserted]: ENTITY,

  [Topic.BackfillRequested]: LOW_VOLUME,
  [Topic.BackfillCategoryUpserted]: ENTITY,
  [Topic.BackfillProductUpserted]: ENTITY,
  [Topic.BackfillShippingMethodUpserted]: ENTITY,
  [Topic.BackfillPaymentMethodUpserted]: ENTITY,
  [Topic.BackfillOrderUpserted]: ENTITY,

  [Topic.OpsSyncResult]: { numPartitions: 3, retentionMs: 3 * DAY },
  [Topic.OpsBackfillProgress]: { numPartitions: 3, retentionMs: 3 * DAY },
  [Topic.OpsOdooConnectionCheckRequested]: LOW_VOLUME,
  [Topic.OpsStoreKeyRotationRequested]: LOW_VOLUME,
  [Topic.OpsStoreKeyRotated]: LOW_VOLUME,
  [Topic.OpsStoreKeyReencrypted]: LOW_VOLUME,

  [Topic.PrivacyErasureRequested]: LOW_VOLUME,
  [Topic.PrivacyErasureCompleted]: LOW_VOLUME,
  [Topic.PrivacyExportRequested]: LOW_VOLUME,
  [Topic.PrivacyExportCompleted]: LOW_VOLUME,
  [Topic.PrivacyRetentionPolicyPublished]: LOW_VOLUME,
  [Topic.PrivacyRetentionSweepCompleted]: LOW_VOLUME,
};

/** Dead letters wait for a human: long retention, few partitions (volume is tiny, replay keeps the key). */
const DEAD_LETTER_RETENTION_MS = 14 * DAY;
const deadLetterPartitions = (sourcePartitions: number): number => (sourcePartitions >= 6 ? 3 : 1);

function specsOf(topic: Topic): TopicSpec[] {
  const { numPartitions, retentionMs } = EVENT_TOPICS[topic];
  return [
    { topic, numPartitions, retentionMs, cleanupPolicy: 'delete', kind: 'event' },
    {
      topic: deadLetterTopicOf(topic),
      numPartitions: deadLetterPartitions(numPartitions),
      retentionMs: DEAD_LETTER_RETENTION_MS,
      cleanupPolicy: 'delete',
      kind: 'dead-letter',
      deadLetterOf: topic,
    },
  ];
}

/** Every declared topic and its dead-letter topic, in `Topic` order (each event topic followed by its DLT). */
export const TOPIC_SPECS: readonly TopicSpec[] = (Object.values(Topic) as Topic[]).flatMap(specsOf);

const BY_NAME = new Map(TOPIC_SPECS.map((s) => [s.topic, s]));

/**
 * The specs a service needs for `topics`: each named topic plus, for an event topic, its dead-letter topic.
 * Throws on a name that is not declared, so a typo never creates a stray topic.
 */
export function topicSpecsFor(topics: readonly string[]): TopicSpec[] {
  const unknown = topics.filter((t) => !BY_NAME.has(t));
  if (unknown.length > 0) {
    throw new Error(
      `no topic spec for: ${unknown.join(', ')} (declare it in libs/contracts/src/topic-specs.ts)`,
    );
  }
  const wanted = new Set<string>();
  for (const t of topics) {
    wanted.add(t);
    if (BY_NAME.get(t)?.kind === 'event') wanted.add(deadLetterTopicOf(t));
  }
  return TOPIC_SPECS.filter((s) => wanted.has(s.topic));
}
