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
  await Promise.all(groupIds.map((groupId) => commitEndsWithRetries(kafka, groupId, topics, ends)));
}

/**
 * On a broker that has just started, the first join can fail inside kafkajs (the group coordinator is not
 * ready yet), which restarts the consumer behind `run()`'s back: `pause` then threw "Consumer group was not
 * initialized". So the topics are paused only once the member has joined, and a failed attempt is retried.
 */
async function commitEndsWithRetries(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  ends: Array<{ topic: string; partition: number; offset: string }>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({ groupId });
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: false });
      // Resolves no offset, so nothing it is handed counts as consumed; paused as soon as it has joined.
      await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
      await Promise.race([
        joined,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`group ${groupId} did not join within 30 s`)), 30_000).unref(),
        ),
      ]);
      consumer.pause(topics.map((topic) => ({ topic })));
      await consumer.commitOffsets(ends);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
}
