import './telemetry';

import { main } from '@app/bootstrap';

import { OdooConnectorService } from './odoo-connector.service';

main(OdooConnectorService);
