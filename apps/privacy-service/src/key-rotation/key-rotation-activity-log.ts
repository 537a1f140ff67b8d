import { Injectable } from '@nestjs/common';

import { EventPublisher, OpsActivityLog } from '@app/messaging';

/** The privacy service's lines of the store's activity log (key rotation requested / completed). */
@Injectable()
export class KeyRotationActivityLog extends OpsActivityLog {
  constructor(publisher: EventPublisher) {
    super(publisher, { service: 'privacy-service', defaultDirection: 'salla_to_odoo' });
  }
}
