import { BaseEnv } from '@app/config';

/** The salla-connector's environment. It adds nothing to the shared settings yet; its own settings go here. */
export class SallaConnectorEnv extends BaseEnv {}
