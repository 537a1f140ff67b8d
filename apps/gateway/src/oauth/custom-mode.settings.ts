import type { GatewayEnv } from '../gateway.env';

/** Injection token for the custom-mode OAuth settings (see `customModeSettingsFrom`). */
export const CUSTOM_MODE_SETTINGS = Symbol('CUSTOM_MODE_SETTINGS');

/** What the custom-mode OAuth routes need from the environment, once all of it is there. */
export interface CustomModeConfig {
  /** Salla's OAuth base URL without a trailing slash: `/auth`, `/token`, `/user/info` sit below it. */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  scope: string;
}

export type CustomModeSettings = { enabled: true; config: CustomModeConfig } | { enabled: false };

export const CUSTOM_MODE_NOT_CONFIGURED = 'custom-mode OAuth is not configured';

/**
 * Custom mode is on only when the client id, the client secret and the redirect URL are all set: with any one
 * missing the flow cannot complete, so it is better to answer 404 than to send a merchant into a dead end.
 * Easy mode (tokens in the `app.store.authorize` webhook) needs none of them.
 */
export function customModeSettingsFrom(env: GatewayEnv): CustomModeSettings {
  const { SALLA_CLIENT_ID, SALLA_CLIENT_SECRET, SALLA_OAUTH_REDIRECT_URL } = env;
  if (!SALLA_CLIENT_ID || !SALLA_CLIENT_SECRET || !SALLA_OAUTH_REDIRECT_URL) return { enabled: false };
  return {
    enabled: true,
    config: {
      oauthUrl: env.SALLA_OAUTH_URL.replace(/\/+$/, ''),
      clientId: SALLA_CLIENT_ID,
      clientSecret: SALLA_CLIENT_SECRET,
      redirectUrl: SALLA_OAUTH_REDIRECT_URL,
      scope: env.SALLA_OAUTH_SCOPE,
    },
  };
}
