import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const BROKER_LIST = /^[^\s,]+:\d+(,[^\s,]+:\d+)*$/;

/**
 * Settings every service shares. Apps extend this class with their own fields; the README's table is the
 * human copy of these declarations, keep them in step.
 */
export class BaseEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** 0 picks a free port (tests). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3000;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  @Matches(BROKER_LIST, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsOptional()
  @IsString()
  KAFKA_CLIENT_ID?: string;

  /** Consumer group; defaults to the service name. Override only to run two independent copies side by side. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_GROUP_ID?: string;

  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI = 'mongodb://127.0.0.1:27017';

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  MONGODB_DB?: string;

  /**
   * Database of the shared keyring (one data key per store). Shared on purpose: a token sealed by the gateway
   * is opened by the salla-connector, and one shred makes a store's data unreadable in every service.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'KEYRING_DB must be a plain database name' })
  KEYRING_DB = 'keyring';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' = 'info';

  /** Base64 of 32 random bytes; wraps every store's data key. Either this or MASTER_KEY_FILE. */
  @IsOptional()
  @IsString()
  MASTER_KEY?: string;

  /** Path of a mounted secret holding the master key (base64); preferred on Kubernetes. */
  @IsOptional()
  @IsString()
  MASTER_KEY_FILE?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  KAFKA_MAX_ATTEMPTS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  KAFKA_RETRY_BASE_MS = 200;

  /**
   * Partitions one replica works on at once (messages of a partition stay in order). Raise it for a service
   * whose handlers mostly wait on a remote system (the odoo-connector waiting on merchants' Odoo servers).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_PARTITIONS_CONCURRENCY = 3;

  /**
   * Messages of one partition a replica works on at once, never two with the same key (an order's, a
   * product's, a store's messages stay in order). Stores share partitions by hashing; above 1, one store's
   * slow Odoo or retry backoff no longer holds up the stores hashed next to it. 1 makes a partition
   * sequential. (At 8 the end-to-end journey once found a SKU with two Odoo products: backfill batches created
   * records before taking their bindings, a race that more concurrency only made likelier; fixed since.)
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_KEY_CONCURRENCY = 8;

  /**
   * Longest wait for the broker to acknowledge one publish. The gateway answers Salla only after the ack,
   * and Salla gives up after about 30 s, so this stays well below that.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  KAFKA_PUBLISH_TIMEOUT_MS = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 25000;

  @IsIn(['true', 'false'])
  OTEL_ENABLED: 'true' | 'false' = 'true';
}

export function brokerList(env: Pick<BaseEnv, 'KAFKA_BROKERS'>): string[] {
  return env.KAFKA_BROKERS.split(',').map((b) => b.trim());
}
