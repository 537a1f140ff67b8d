import { Type } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * Where an event came from, so "why did this happen?" is answerable from the event alone: the Salla webhook
 * (event name + body hash, which is also the gateway's dedupe key) or the backfill run that read it from the API.
 */
export class EventOrigin {
  /** 'webhook' = translated from a Salla webhook; 'backfill' = read by a backfill run; 'poll' = a connector's poll. */
  @IsIn(['webhook', 'backfill', 'poll', 'command'])
  kind!: 'webhook' | 'backfill' | 'poll' | 'command';

  /** The Salla event name for a webhook ('order.created'). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  sallaEvent?: string;

  /** Lower-case hex SHA-256 of the webhook's raw body. */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/)
  bodySha256?: string;

  /** The backfill run that produced it. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  runId?: string;
}

/**
 * What travels as the value of every Kafka message. Trace context is NOT here: it rides in Kafka headers
 * (W3C `traceparent`), so it never becomes part of the contract.
 */
export class EventEnvelope<P extends object = object> {
  /** Unique per event; consumers use it as an idempotency key. */
  @IsUUID()
  id!: string;

  /** The topic name this event was defined for (a `Topic` value). */
  @IsString()
  @Matches(/^[a-z-]+\.[a-z-]+\.[a-z-]+\.v\d+$/)
  type!: string;

  /** Salla merchant id, always a string. Every consumer scopes its work to it. */
  @IsString()
  @IsNotEmpty()
  storeId!: string;

  @IsDateString()
  occurredAt!: string;

  @IsInt()
  @Min(1)
  schemaVersion!: number;

  @IsObject()
  @ValidateNested()
  @Type(() => Object)
  payload!: P;

  /** Provenance; absent on events whose producer has nothing to say (commands typed in by an operator). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventOrigin)
  origin?: EventOrigin;
}

/** Message key: the entity that must stay ordered. Store-wide events key by store. */
export function keyFor(storeId: string, entityId?: string | number): string {
  return entityId === undefined ? storeId : `${storeId}:${String(entityId)}`;
}
