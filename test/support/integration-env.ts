export interface IntegrationEnv {
  kafkaBrokers: string[];
  mongoUri: string;
}

/**
 * Kafka brokers and MongoDB URI for integration tests. The jest global setup
 * (test/integration/global-setup.ts) exports KAFKA_BROKERS / MONGODB_URI, or takes them from the caller.
 */
export function integrationEnv(): IntegrationEnv {
  const brokers = process.env.KAFKA_BROKERS;
  const mongoUri = process.env.MONGODB_URI;
  if (!brokers || !mongoUri) {
    throw new Error(
      'KAFKA_BROKERS and MONGODB_URI are not set: run integration tests through jest --selectProjects integration ' +
        '(its global setup starts the infra) or export both variables.',
    );
  }
  return {
    kafkaBrokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    mongoUri,
  };
}

/**
 * `uri` with its database path set to `dbName`, keeping any query options
 * (the testcontainers URI carries `?directConnection=true`). Or pass `{ dbName }` to mongoose/MongoClient.
 */
export function mongoUriWithDb(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  return `${match[1]}/${dbName}${match[2] ?? ''}`;
}
