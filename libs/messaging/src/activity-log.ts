import { Logger } from '@nestjs/common';

import {
  keyFor,
  OpsSyncResult,
  type SyncDirection,
  type SyncEntityType,
  type SyncOutcome,
  Topic,
} from '@app/contracts';

import { type EventPublisher, newEnvelope } from './event-publisher';

export interface ActivityEntry {
  direction?: SyncDirection;
  entityType: SyncEntityType;
  entityId: string;
  outcome: SyncOutcome;
  /** For the merchant: plain words, no personal data, no secrets. Required for skipped and failed. */
  message?: string;
  errorCode?: string;
  /** Envelope id of the event handled (a random one for work with no triggering event). */
  eventId: string;
  correlationId?: string;
  attempt?: number;
  durationMs?: number;
}

export interface ActivityLogOptions {
  /** The reporting service, as the activity log shows it. */
  service: string;
  /** The direction a line has when its entry does not say. */
  defaultDirection: SyncDirection;
}

/**
 * Writes lines of the merchant's activity log (`ops.sync.result.v1`, keyed by store). Losing a line must never
 * fail the work it describes, so a publish failure is logged and swallowed. Services subclass it as a Nest
 * provider with their own name and default direction.
 */
export class OpsActivityLog {
  private readonly logger = new Logger('ActivityLog');

  constructor(
    private readonly publisher: EventPublisher,
    private readonly options: ActivityLogOptions,
  ) {}

  async record(storeId: string, entry: ActivityEntry): Promise<void> {
    const result = new OpsSyncResult();
    result.service = this.options.service;
    result.direction = entry.direction ?? this.options.defaultDirection;
    result.entityType = entry.entityType;
    result.entityId = entry.entityId;
    result.outcome = entry.outcome;
    if (entry.message !== undefined) result.message = entry.message.slice(0, 2000);
    if (entry.errorCode !== undefined) result.errorCode = entry.errorCode;
    result.eventId = entry.eventId;
    if (entry.correlationId !== undefined) result.correlationId = entry.correlationId;
    if (entry.attempt !== undefined) result.attempt = entry.attempt;
    result.durationMs = Math.max(0, Math.round(entry.durationMs ?? 0));
    try {
      await this.publisher.publish(Topic.OpsSyncResult, newEnvelope(Topic.OpsSyncResult, storeId, result), {
        key: keyFor(storeId),
      });
    } catch (err) {
      this.logger.warn({ msg: 'activity log line lost', storeId, entityType: entry.entityType, err });
    }
  }
}
