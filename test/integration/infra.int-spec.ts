import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import {
  integrationEnv,
  mongoUriWithDb,
  startDedicatedMongo,
  uniqueName,
  waitFor,
  type DedicatedMongo,
} from '@app/testing';

describe('integration infrastructure', () => {
  const env = integrationEnv();

  it('gives a reachable Kafka broker that accepts explicitly created topics', async () => {
    const kafka = new Kafka({
      clientId: uniqueName('infra-spec'),
      brokers: env.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);

      const topic = uniqueName('infra-spec');
      await expect(admin.createTopics({ topics: [{ topic }], waitForLeaders: true })).resolves.toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions.length).toBeGreaterThanOrEqual(1);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('gives a reachable MongoDB-wire server (write + read in a fresh database)', async () => {
    const dbName = uniqueName('infra-spec');
    const conn = await mongoose
      .createConnection(env.mongoUri, { dbName, serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      const Thing = conn.model('Thing', new mongoose.Schema({ name: String, n: Number }));
      await Thing.create({ name: 'hello', n: 1 });
      const found = await Thing.findOne({ name: 'hello' }).lean();
      expect(found?.n).toBe(1);
      expect(mongoUriWithDb(env.mongoUri, dbName)).toContain(`/${dbName}`);
      await conn.dropDatabase();
    } finally {
      await conn.close();
    }
  });

  describe('startDedicatedMongo', () => {
    let mongo: DedicatedMongo;

    beforeAll(async () => {
      mongo = await startDedicatedMongo();
    });

    afterAll(async () => {
      await mongo?.dispose();
    });

    it('keeps data across a server stop/start on the same port', async () => {
      const dbName = uniqueName('restart');
      const write = new MongoClient(mongo.uri, { directConnection: true });
      await write.connect();
      await write
        .db(dbName)
        .collection('docs')
        .insertOne({ _id: 'k1' as unknown as never, v: 42 });
      await write.close();

      await mongo.stop();
      const down = new MongoClient(mongo.uri, { directConnection: true, serverSelectionTimeoutMS: 500 });
      await expect(down.connect()).rejects.toThrow();
      await down.close();

      await mongo.start();
      const read = new MongoClient(mongo.uri, { directConnection: true });
      await read.connect();
      try {
        const doc = await waitFor(() => read.db(dbName).collection('docs').findOne({ v: 42 }), {
          timeoutMs: 5000,
        });
        expect(doc.v).toBe(42);
      } finally {
        await read.close();
      }
    });
  });
});
