import { BaseEnv } from '@app/config';

/** The odoo-connector's environment. It adds nothing to the shared settings yet; its own settings go here. */
export class OdooConnectorEnv extends BaseEnv {}
