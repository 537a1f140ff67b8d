import { Kafka, logLevel } from 'kafkajs';

/**
 * Commits every group in `groupIds` at the current end of every topic on the broker, so services (or test
 * consumers) started afterwards see only what comes next. On the shared development/CI broker each topic
 * holds every earlier suite's messages, and a new group would otherwise start from the beginning: tens of
 * thousands of other stores' events between the services and this test's. (Topics created later start
 * empty anyway.)
 */
export async function startGroupsAtTopicEnds(brokers: string[], groupIds: readonly string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'topic-ends', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends: Array<{ topic: string; partition: number; offset: string }> = [];
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.push({ topic, partition, offset: high });
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.length === 0) return;
  // One short-lived member per group commits every end at once (admin.setOffsets joins the group once per
  // topic, seconds each). It consumes nothing: its topics are paused and it commits only these offsets.
  const topics = [...new Set(ends.map((e) => e.topic))];
  await Promise.all(
    groupIds.map(async (groupId) => {
      const consumer = kafka.consumer({ groupId });
      const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
      await consumer.connect();
      try {
        await consumer.subscribe({ topics, fromBeginning: false });
        await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
        consumer.pause(topics.map((topic) => ({ topic })));
        await joined;
        await consumer.commitOffsets(ends);
      } finally {
        await consumer.disconnect();
      }
    }),
  );
}
