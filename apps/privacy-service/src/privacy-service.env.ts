import { BaseEnv } from '@app/config';

/** The privacy-service's environment. It adds nothing to the shared settings yet; its own settings go here. */
export class PrivacyServiceEnv extends BaseEnv {}
