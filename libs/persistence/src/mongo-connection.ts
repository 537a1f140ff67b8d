import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import mongoose, { Connection, ConnectOptions, Model, Schema } from 'mongoose';

import { redactString } from '@app/observability';

import { BackoffOptions, backoffDelay } from './backoff';
import { PersistenceUnavailableError } from './errors';
import { assertNoTtlIndexes } from './store-scoped-schema';

export type MongoConnectionState = 'connecting' | 'connected' | 'disconnected';

/** The subset of Nest's LoggerService this lib writes to. Never given document contents. */
export interface PersistenceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface MongoConnectionOptions {
  /** `mongodb://…`; credentials in it are never logged. */
  uri: string;
  /** The database this service owns. */
  dbName: string;
  /** How long one operation (and one connect attempt) waits for a usable server. Default 5 000 ms. */
  serverSelectionTimeoutMS?: number;
  /** Driver heartbeat; bounds how fast a dead server is noticed while idle. Default 5 000 ms. */
  heartbeatFrequencyMS?: number;
  /** Timeout of `ping()`. Default 2 000 ms. */
  pingTimeoutMs?: number;
  /** Backoff between failed initial connect attempts and failed index builds. */
  retry?: BackoffOptions;
  /** Shown in the server's logs and currentOp. */
  appName?: string;
  logger?: PersistenceLogger;
}

export interface RegisterModelOptions {
  /** Collection name; defaults to mongoose's pluralised model name. */
  collection?: string;
  /**
   * Another database on the same server (same connection pool), e.g. a keyring shared by several services.
   * Defaults to the connection's own database.
   */
  dbName?: string;
}

export interface EnsuredIndexes {
  model: string;
  db: string;
  collection: string;
  indexes: string[];
}

/**
 * One MongoDB connection per service, resilient at start.
 *
 * `start()` returns at once and connects in the background, retrying with exponential backoff forever, so a
 * service boots (and answers readiness 503) while the database is down; it never throws and never exits the
 * process. Once connected it creates the indexes of every registered model (`createIndexes`, never
 * `syncIndexes`, which would drop indexes), logging what it ensured; `ping()` fails until that is done.
 * After the first connection the driver reconnects on its own; `state` follows it.
 */
export class MongoConnection implements OnModuleInit, OnApplicationShutdown {
  /** The underlying mongoose connection; prefer `model()` to register models on it. */
  readonly connection: Connection;

  readonly #options: MongoConnectionOptions;
  readonly #logger: PersistenceLogger;
  readonly #models: Model<any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly #pendingIndexes = new Set<Model<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  #started = false;
  #closed = false;
  #connectedOnce = false;
  #lastError: Error | undefined;
  #run: Promise<void> | undefined;
  #indexing: Promise<void> | undefined;
  #cancelSleep: (() => void) | undefined;

  constructor(options: MongoConnectionOptions) {
    if (!options.dbName || options.dbName.trim() === '')
      throw new Error('MongoConnection: dbName is required');
    this.#options = options;
    this.#logger = options.logger ?? new Logger('MongoConnection');
    this.connection = mongoose.createConnection();
    // A connection error must never become an unhandled 'error' event (that would crash the process).
    this.connection.on('error', (err: unknown) => {
      this.#lastError = toError(err);
    });
    this.connection.on('disconnected', () => {
      if (this.#connectedOnce && !this.#closed) this.#logger.warn(`MongoDB ${this.#where()} disconnected`);
    });
    this.connection.on('reconnected', () => {
      this.#lastError = undefined;
      this.#logger.log(`MongoDB ${this.#where()} reconnected`);
    });
  }

  /**
   * 'connecting' until the first connection succeeds (however many attempts that takes), then 'connected'
   * or 'disconnected' as the driver loses and regains the server; 'disconnected' after `close()`.
   */
  get state(): MongoConnectionState {
    if (this.#closed) return 'disconnected';
    if (!this.#connectedOnce) return 'connecting';
    switch (this.connection.readyState) {
      case mongoose.ConnectionStates.connected:
        return 'connected';
      case mongoose.ConnectionStates.connecting:
        return 'connecting';
      default:
        return 'disconnected';
    }
  }

  /** Why the last connect attempt, index build or ping failed; cleared when a connection succeeds. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** True once every registered model's indexes exist. */
  get indexesEnsured(): boolean {
    return this.#connectedOnce && this.#pendingIndexes.size === 0;
  }

  get dbName(): string {
    return this.#options.dbName;
  }

  /**
   * Registers a model on this connection (or on a sibling database with `dbName`). Refuses TTL indexes, turns
   * command buffering off and automatic index builds off (indexes are created by this class once connected).
   * Registering the same name twice with the same schema returns the existing model.
   */
  model<T>(name: string, schema: Schema<T>, options: RegisterModelOptions = {}): Model<T> {
    assertNoTtlIndexes(schema as Schema, name);
    const conn = options.dbName ? this.connection.useDb(options.dbName, { useCache: true }) : this.connection;
    const existing = conn.models[name] as Model<T> | undefined;
    if (existing) {
      if (existing.schema !== schema)
        throw new Error(`MongoConnection: model ${name} is already registered with another schema`);
      return existing;
    }
    schema.set('bufferCommands', false);
    schema.set('autoIndex', false);
    schema.set('autoCreate', false);
    const model = conn.model<T>(name, schema, options.collection);
    this.#models.push(model);
    this.#pendingIndexes.add(model);
    if (this.#connectedOnce && !this.#closed) void this.#ensurePendingIndexes();
    return model;
  }

  /** Starts connecting in the background. Idempotent; never throws, never rejects. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#run = this.#connectLoop();
  }

  /** Resolves once connected and indexes are ensured; rejects after `timeoutMs` (default: never). */
  async whenReady(timeoutMs?: number): Promise<void> {
    this.start();
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    while (!(this.#connectedOnce && this.indexesEnsured)) {
      if (this.#closed) throw new PersistenceUnavailableError(`MongoDB ${this.#where()}: connection closed`);
      if (Date.now() >= deadline) {
        throw new PersistenceUnavailableError(
          `MongoDB ${this.#where()} not ready after ${timeoutMs}ms (state ${this.state}` +
            `${this.#lastError ? `, last error: ${this.#lastError.message}` : ''})`,
          { cause: this.#lastError },
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Readiness probe: resolves when the server answers `ping` within `timeoutMs` (default `pingTimeoutMs`) and
   * the indexes exist; otherwise rejects with `PersistenceUnavailableError`.
   */
  async ping(timeoutMs = this.#options.pingTimeoutMs ?? 2_000): Promise<void> {
    if (this.#closed) throw new PersistenceUnavailableError(`MongoDB ${this.#where()}: connection closed`);
    const db = this.connection.db;
    if (!this.#connectedOnce || !db) {
      throw new PersistenceUnavailableError(
        `MongoDB ${this.#where()} not connected yet${this.#lastError ? `: ${this.#lastError.message}` : ''}`,
        { cause: this.#lastError },
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PersistenceUnavailableError(
              `MongoDB ${this.#where()} did not answer ping within ${timeoutMs}ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([db.command({ ping: 1 }), timeout]);
    } catch (err) {
      this.#lastError = toError(err);
      if (err instanceof PersistenceUnavailableError) throw err;
      throw new PersistenceUnavailableError(
        `MongoDB ${this.#where()} ping failed: ${this.#lastError.message}`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
    if (!this.indexesEnsured) {
      throw new PersistenceUnavailableError(
        `MongoDB ${this.#where()}: indexes not ensured yet${this.#lastError ? ` (${this.#lastError.message})` : ''}`,
        { cause: this.#lastError },
      );
    }
  }

  /** Creates (never drops) the indexes of every registered model; logs and returns what was ensured. */
  async ensureIndexes(): Promise<EnsuredIndexes[]> {
    const report: EnsuredIndexes[] = [];
    for (const model of [...this.#models]) report.push(await this.#ensureModelIndexes(model));
    return report;
  }

  /** Stops retrying and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelSleep?.();
    await this.#run?.catch(() => undefined);
    await this.#indexing?.catch(() => undefined);
    await this.connection.close();
  }

  onModuleInit(): void {
    this.start(); // not awaited: Nest's init must not wait for the database
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async #connectLoop(): Promise<void> {
    let attempt = 0;
    while (!this.#closed) {
      try {
        await this.connection.openUri(this.#options.uri, this.#clientOptions());
        if (this.#closed) return;
        this.#connectedOnce = true;
        this.#lastError = undefined;
        this.#logger.log(
          `MongoDB ${this.#where()} connected${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}`,
        );
        break;
      } catch (err) {
        this.#lastError = toError(err);
        const delay = backoffDelay(attempt, this.#options.retry);
        attempt += 1;
        this.#logger.warn(
          `MongoDB ${this.#where()} unreachable (attempt ${attempt}): ${this.#lastError.message}; retrying in ${delay}ms`,
        );
        await this.#sleep(delay);
      }
    }
    await this.#ensurePendingIndexes();
  }

  #ensurePendingIndexes(): Promise<void> {
    this.#indexing ??= (async () => {
      let attempt = 0;
      while (!this.#closed && this.#pendingIndexes.size > 0) {
        const [model] = this.#pendingIndexes;
        try {
          await this.#ensureModelIndexes(model);
          this.#pendingIndexes.delete(model);
          attempt = 0;
        } catch (err) {
          this.#lastError = toError(err);
          const delay = backoffDelay(attempt, this.#options.retry);
          attempt += 1;
          this.#logger.error(
            `MongoDB ${this.#where()}: creating indexes of ${model.modelName} failed: ${this.#lastError.message}; ` +
              `retrying in ${delay}ms`,
          );
          await this.#sleep(delay);
        }
      }
    })().finally(() => {
      this.#indexing = undefined;
    });
    return this.#indexing;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async #ensureModelIndexes(model: Model<any>): Promise<EnsuredIndexes> {
    await model.createIndexes();
    const indexes = model.schema.indexes().map(([fields, options]) => {
      const opts = (options ?? {}) as { name?: string; unique?: boolean; sparse?: boolean };
      const name =
        opts.name ??
        Object.entries(fields)
          .map(([k, v]) => `${k}_${String(v)}`)
          .join('_');
      const flags = [opts.unique ? 'unique' : '', opts.sparse ? 'sparse' : ''].filter(Boolean).join(', ');
      return flags ? `${name} (${flags})` : name;
    });
    const entry = {
      model: model.modelName,
      db: model.db.name,
      collection: model.collection.collectionName,
      indexes,
    };
    this.#logger.log(
      `MongoDB ensured ${indexes.length} index(es) on ${entry.db}.${entry.collection}` +
        `${indexes.length ? `: ${indexes.join(', ')}` : ''}`,
    );
    return entry;
  }

  #clientOptions(): ConnectOptions {
    return {
      dbName: this.#options.dbName,
      serverSelectionTimeoutMS: this.#options.serverSelectionTimeoutMS ?? 5_000,
      heartbeatFrequencyMS: this.#options.heartbeatFrequencyMS ?? 5_000,
      appName: this.#options.appName,
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
    };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelSleep = done;
    });
  }

  #where(): string {
    return `${redactString(this.#options.uri)} (db ${this.#options.dbName})`;
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
