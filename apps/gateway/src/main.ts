import './telemetry';

import { main } from '@app/bootstrap';

import { GatewayService } from './gateway.service';

main(GatewayService);
