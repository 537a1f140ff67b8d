import { Type } from 'class-transformer';
import {
  IsDateString,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

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
}

/** Message key: the entity that must stay ordered. Store-wide events key by store. */
export function keyFor(storeId: string, entityId?: string | number): string {
  return entityId === undefined ? storeId : `${storeId}:${String(entityId)}`;
}
