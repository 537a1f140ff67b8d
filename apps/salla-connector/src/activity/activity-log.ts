import { Injectable } from '@nestjs/common';

import { EventPublisher, OpsActivityLog } from '@app/messaging';

export type { ActivityEntry } from '@app/messaging';

export const SERVICE_NAME = 'salla-connector';

/** The salla-connector's lines of the merchant's activity log; most of its work pushes to Salla. */
@Injectable()
export class ActivityLog extends OpsActivityLog {
  constructor(publisher: EventPublisher) {
    super(publisher, { service: SERVICE_NAME, defaultDirection: 'odoo_to_salla' });
  }
}
