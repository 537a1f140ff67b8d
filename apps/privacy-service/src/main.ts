import './telemetry';

import { main } from '@app/bootstrap';

import { PrivacyServiceService } from './privacy-service.service';

main(PrivacyServiceService);
