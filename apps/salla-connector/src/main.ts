import './telemetry';

import { main } from '@app/bootstrap';

import { SallaConnectorService } from './salla-connector.service';

main(SallaConnectorService);
