import { Injectable } from '@nestjs/common';

import { EventPublisher, OpsActivityLog } from '@app/messaging';

export type { ActivityEntry } from '@app/messaging';

export const SERVICE_NAME = 'odoo-connector';

/** The odoo-connector's lines of the merchant's activity log; most of its work applies Salla data to Odoo. */
@Injectable()
export class ActivityLog extends OpsActivityLog {
  constructor(publisher: EventPublisher) {
    super(publisher, { service: SERVICE_NAME, defaultDirection: 'salla_to_odoo' });
  }
}
