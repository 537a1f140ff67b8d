import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { IsText, IsUtcTimestamp } from './common';
import { EncryptedValue } from './encrypted-value';

/*
 * Data-subject requests (erasure and export). The privacy service publishes a request; every service that holds
 * personal data handles it and publishes ONE completion for its own part (a receipt, or an export part). The
 * privacy service collects them by `requestId` and closes the request when every expected service reported.
 * All keyed by store, so a store's requests and their completions stay in order.
 */

/** 'customer' = one person of the store; 'store' = everything we hold for the store (after uninstall). */
export const PRIVACY_SCOPES = ['customer', 'store'] as const;
export type PrivacyScope = (typeof PRIVACY_SCOPES)[number];

/**
 * Who the request is about. Several identifiers because a service may hold the person under any of them
 * (Odoo partners created from guest orders have no Salla customer id). These are personal data themselves.
 */
export class PrivacySubject {
  /** At least one identifier is needed; customerId is required when neither email nor phone is given. */
  @ValidateIf((o: PrivacySubject) => o.customerId != null || (o.email ?? o.phone) == null)
  @IsString({ message: 'subject needs customerId, email or phone' })
  @IsNotEmpty()
  @MaxLength(128)
  customerId?: string;

  @IsOptional()
  @IsText(320)
  email?: string;

  @IsOptional()
  @IsText(32)
  phone?: string;
}

/** Fields shared by erasure and export requests. */
export class PrivacyRequest {
  /** Identity of the request across all services; the idempotency key of each service's work. */
  @IsUUID()
  requestId!: string;

  @IsIn([...PRIVACY_SCOPES])
  scope!: PrivacyScope;

  /** Required for scope 'customer'. */
  @ValidateIf((o: PrivacyRequest) => o.scope === 'customer' || o.subject != null)
  @IsObject({ message: 'subject is required for scope customer' })
  @ValidateNested()
  @Type(() => PrivacySubject)
  subject?: PrivacySubject;

  @IsUtcTimestamp()
  requestedAt!: string;

  /** Legal deadline (e.g. 30 days); services handle earlier deadlines first. */
  @IsOptional()
  @IsUtcTimestamp()
  dueBy?: string;
}

/** `privacy.erasure.requested.v1`: erase (or irreversibly anonymise) the subject's or store's personal data. */
export class PrivacyErasureRequested extends PrivacyRequest {
  /**
   * Data classes under legal hold (see `DATA_CLASSES`): a service keeps its collections of these classes and
   * does not shred the store's key. Absent = nothing held (requests written before holds existed).
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  keepDataClasses?: string[];
}

/** `privacy.export.requested.v1`: gather the subject's or store's personal data for handing over. */
export class PrivacyExportRequested extends PrivacyRequest {}

/** Name of the service reporting (matches the services the privacy service expects). */
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

export const ERASURE_OUTCOMES = ['erased', 'nothing_found', 'failed'] as const;
export type ErasureOutcome = (typeof ERASURE_OUTCOMES)[number];

/** One service's proof of what it erased: the record kept for accountability (so it has no personal data). */
export class ErasureReceipt {
  @IsString()
  @Matches(SERVICE_NAME)
  @MaxLength(64)
  service!: string;

  @IsIn([...ERASURE_OUTCOMES])
  outcome!: ErasureOutcome;

  /** How many records were erased or anonymised. */
  @IsInt()
  @Min(0)
  erasedCount!: number;

  /** What kinds of records (e.g. 'odoo res.partner', 'mongo webhook log'); never the data itself. */
  @IsOptional()
  @IsText(1024)
  details?: string;

  /** Whether this service shredded the store's data key (false when absent, or kept for a legal hold). */
  @IsOptional()
  @IsBoolean()
  keyShredded?: boolean;

  /** Data classes this service kept because of a legal hold, and how many documents that was. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  keptDataClasses?: string[];

  @IsOptional()
  @IsInt()
  @Min(0)
  keptCount?: number;

  @IsUtcTimestamp()
  completedAt!: string;
}

/** `privacy.erasure.completed.v1`: one service finished its part of an erasure request. */
export class PrivacyErasureCompleted {
  @IsUUID()
  requestId!: string;

  @IsIn([...PRIVACY_SCOPES])
  scope!: PrivacyScope;

  @IsObject()
  @ValidateNested()
  @Type(() => ErasureReceipt)
  receipt!: ErasureReceipt;
}

export const EXPORT_OUTCOMES = ['exported', 'nothing_found', 'failed'] as const;
export type ExportOutcome = (typeof EXPORT_OUTCOMES)[number];

/**
 * One service's share of an export. The data itself never travels in Kafka: the service stores it (encrypted)
 * and the part says where.
 */
export class ExportPart {
  @IsString()
  @Matches(SERVICE_NAME)
  @MaxLength(64)
  service!: string;

  @IsIn([...EXPORT_OUTCOMES])
  outcome!: ExportOutcome;

  /**
   * Where the part is stored (e.g. 'gridfs://privacy-exports/<id>'); required when something was exported
   * and not carried inline as `content`.
   */
  @ValidateIf((o: ExportPart) => (o.outcome === 'exported' && o.content == null) || o.storageRef != null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  storageRef?: string;

  /** Lower-case hex SHA-256 of the stored bytes, so the bundle can prove it is complete and untouched. */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex characters' })
  sha256?: string;

  @IsInt()
  @Min(0)
  recordCount!: number;

  /**
   * A small part (a store's configuration) carried inline: JSON sealed under the store's data key, so it
   * becomes unreadable with the store's other data when the key is shredded.
   */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EncryptedValue)
  content?: EncryptedValue;

  /** When the stored part is deleted; exports are personal data too and do not live forever. */
  @IsOptional()
  @IsUtcTimestamp()
  expiresAt?: string;

  @IsUtcTimestamp()
  completedAt!: string;
}

/** `privacy.export.completed.v1`: one service finished its part of an export request. */
export class PrivacyExportCompleted {
  @IsUUID()
  requestId!: string;

  @IsIn([...PRIVACY_SCOPES])
  scope!: PrivacyScope;

  @IsObject()
  @ValidateNested()
  @Type(() => ExportPart)
  part!: ExportPart;
}
