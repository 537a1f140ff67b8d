import { DedicatedMongo, startDedicatedMongo, uniqueName, waitFor } from '@app/testing';

import {
  defineStoreScopedSchema,
  MongoConnection,
  PersistenceLogger,
  PersistenceUnavailableError,
  StoreScopedRepository,
} from '../src';

interface Note {
  storeId: string;
  key: string;
  body: string;
}

const noteSchema = defineStoreScopedSchema<Note>({ key: String, body: String });
noteSchema.index({ storeId: 1, key: 1 }, { unique: true });

const quiet: PersistenceLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

function connect(
  server: DedicatedMongo,
  dbName: string,
): { mongo: MongoConnection; notes: StoreScopedRepository<Note> } {
  const mongo = new MongoConnection({
    uri: server.uri,
    dbName,
    serverSelectionTimeoutMS: 1_000,
    heartbeatFrequencyMS: 500,
    retry: { initialDelayMs: 100, maxDelayMs: 500 },
    logger: quiet,
  });
  const notes = new StoreScopedRepository<Note>(mongo.model<Note>('Note', noteSchema));
  return { mongo, notes };
}

describe('MongoConnection against a database server that stops and restarts', () => {
  let server: DedicatedMongo;

  beforeAll(async () => {
    server = await startDedicatedMongo();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('started while the server is down: reports connecting, then connected once the server comes up', async () => {
    await server.stop();
    const { mongo, notes } = connect(server, uniqueName('persistence-late'));
    try {
      mongo.start();
      expect(mongo.state).toBe('connecting');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(mongo.state).toBe('connecting');
      expect(mongo.lastError?.message).toMatch(/ECONNREFUSED/);
      await expect(mongo.ping()).rejects.toBeInstanceOf(PersistenceUnavailableError);

      await server.start();
      await waitFor(() => mongo.state === 'connected', { timeoutMs: 15_000, description: 'state connected' });
      await mongo.whenReady(15_000);
      await expect(mongo.ping()).resolves.toBeUndefined();
      expect(mongo.lastError).toBeUndefined();
      expect(mongo.indexesEnsured).toBe(true);
      await expect(notes.upsert('store-1', { key: 'k' }, { body: 'hello' })).resolves.toMatchObject({
        body: 'hello',
      });
    } finally {
      await mongo.close();
    }
  });

  it('a document written survives a restart of the server; the same connection reconnects', async () => {
    const dbName = uniqueName('persistence-restart');
    const { mongo, notes } = connect(server, dbName);
    try {
      mongo.start();
      await mongo.whenReady(15_000);
      await notes.insert('store-1', { key: 'kept', body: 'survives restarts' });

      await server.stop();
      await waitFor(() => mongo.state === 'disconnected', {
        timeoutMs: 15_000,
        description: 'state disconnected',
      });
      await expect(mongo.ping(500)).rejects.toBeInstanceOf(PersistenceUnavailableError);
      // No silent hang while the server is down: the operation fails within the server selection timeout.
      const started = Date.now();
      await expect(notes.findOne('store-1', { key: 'kept' })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);

      await server.start();
      await waitFor(() => mongo.ping().then(() => true), {
        timeoutMs: 20_000,
        description: 'ping after restart',
      });
      expect(mongo.state).toBe('connected');
      expect((await notes.findOne('store-1', { key: 'kept' }))?.body).toBe('survives restarts');
    } finally {
      await mongo.close();
    }

    // A brand-new connection (as after a service restart) reads it too.
    const fresh = connect(server, dbName);
    try {
      fresh.mongo.start();
      await fresh.mongo.whenReady(15_000);
      expect((await fresh.notes.findOne('store-1', { key: 'kept' }))?.body).toBe('survives restarts');
      await fresh.mongo.connection.db?.dropDatabase();
    } finally {
      await fresh.mongo.close();
    }
  });
});
