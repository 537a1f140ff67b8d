import { BaseEnv } from '@app/config';

/** The gateway's environment. It adds nothing to the shared settings yet; its own settings go here. */
export class GatewayEnv extends BaseEnv {}
