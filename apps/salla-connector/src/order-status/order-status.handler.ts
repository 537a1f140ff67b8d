import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

import { type EventEnvelope, SalesOrderStatusSet, Topic } from '@app/contracts';
import { KafkaEvent } from '@app/messaging';

import { ActivityLog } from '../activity/activity-log';
import { SallaApiClient, SallaApiError } from '../salla-api';
import { StoreNotCallableError } from '../tokens';

/**
 * `sales.order.status-set.v1` → `POST /orders/{id}/status`. Setting the same status twice is harmless in
 * Salla, so a redelivered command needs no dedupe. A refused status (422: unknown slug, a transition Salla
 * forbids) is permanent: the activity log says why and the consumer parks the command on its dead-letter topic.
 */
@Controller()
export class OrderStatusHandler {
  constructor(
    private readonly salla: SallaApiClient,
    private readonly activity: ActivityLog,
  ) {}

  @KafkaEvent(Topic.SalesOrderStatusSet, SalesOrderStatusSet)
  async onStatusSet(@Payload() event: EventEnvelope<SalesOrderStatusSet>): Promise<void> {
    const { orderId, slug, statusId, note } = event.payload;
    const body: Record<string, string> = slug ? { slug } : { status_id: statusId ?? '' };
    if (note) body.note = note;
    const started = Date.now();
    const line = { entityType: 'order' as const, entityId: orderId, eventId: event.id };
    try {
      await this.salla.post(event.storeId, `/orders/${encodeURIComponent(orderId)}/status`, body, {
        priority: 'live',
      });
      await this.activity.record(event.storeId, {
        ...line,
        outcome: 'ok',
        message: `Salla order status set to ${slug ?? `status ${statusId}`}`,
        durationMs: Date.now() - started,
      });
    } catch (err) {
      if (err instanceof StoreNotCallableError) {
        await this.activity.record(event.storeId, {
          ...line,
          outcome: 'skipped',
          errorCode: 'salla.store_not_callable',
          message: `Order status not sent: Salla cannot be called for this store (${err.reason})`,
        });
        return;
      }
      if (err instanceof SallaApiError && !err.transient) {
        await this.activity.record(event.storeId, {
          ...line,
          outcome: 'failed',
          errorCode: `salla.http_${err.status}`,
          message: `Salla refused the order status: ${err.message}`,
          durationMs: Date.now() - started,
        });
      }
      throw err;
    }
  }
}
