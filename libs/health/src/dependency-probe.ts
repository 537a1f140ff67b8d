/**
 * One dependency the service needs to do its work. `check()` resolves when the dependency is usable and
 * throws an Error whose message says why not ("connecting: connect ECONNREFUSED 127.0.0.1:27017").
 */
export interface DependencyProbe {
  /** Key in the readiness body: `mongo`, `kafka`. Unique per service. */
  readonly name: string;
  check(): Promise<void>;
  /** Overrides the module's per-probe timeout. */
  readonly timeoutMs?: number;
}

export interface ProbeOptions {
  name?: string;
  timeoutMs?: number;
}

/** What `mongoProbe` needs of a connection; the persistence lib's MongoConnection fits as is. */
export interface MongoConnectionLike {
  /** `connected` when usable; anything else (`connecting`, `disconnected`) is down. */
  readonly state: string;
  /** Why the last attempt failed, shown next to the state. */
  readonly lastError?: string | { readonly message: string };
  ping(): Promise<void>;
}

/** What `kafkaProbe` needs: something that resolves only while the cluster answers. */
export interface KafkaCheckable {
  check(): Promise<void>;
}

/** Down unless the connection is `connected` and answers `ping`. */
export function mongoProbe(connection: MongoConnectionLike, options: ProbeOptions = {}): DependencyProbe {
  return {
    name: options.name ?? 'mongo',
    timeoutMs: options.timeoutMs,
    async check() {
      if (connection.state !== 'connected') {
        const why = connection.lastError;
        const reason = typeof why === 'string' ? why : why?.message;
        throw new Error(reason ? `${connection.state}: ${reason}` : connection.state);
      }
      await connection.ping();
    },
  };
}

/** Down when `k.check()` rejects (e.g. an admin `describeCluster()` against the brokers). */
export function kafkaProbe(k: KafkaCheckable, options: ProbeOptions = {}): DependencyProbe {
  return {
    name: options.name ?? 'kafka',
    timeoutMs: options.timeoutMs,
    check: () => k.check(),
  };
}
