import type { IncomingMessage } from 'node:http';

import { ACCESS_TOKEN_TTL_SEC } from '../options';
import type { SimulatorCall } from '../recording';
import type { SimulatorCore } from '../simulator-core';
import type { IssuedTokens } from './token-registry';

export interface OAuthAnswer {
  status: number;
  body: unknown;
}

/**
 * Salla's OAuth server (`https://accounts.salla.sa/oauth2`): `POST /token` for `authorization_code` and
 * `refresh_token` grants (form-encoded; client credentials in the form or as HTTP Basic), and
 * `GET /user/info`. Token calls never count against the Merchant API rate limit.
 */
export function handleOAuth(
  core: SimulatorCore,
  req: IncomingMessage,
  route: string,
  rawBody: string,
  call: SimulatorCall,
): OAuthAnswer {
  if (req.method === 'POST' && route === '/token') {
    call.route = route;
    return token(core, req, rawBody, call);
  }
  if (req.method === 'GET' && route === '/user/info') {
    call.route = route;
    return userInfo(core, req, call);
  }
  return { status: 404, body: { error: 'not_found' } };
}

function token(core: SimulatorCore, req: IncomingMessage, rawBody: string, call: SimulatorCall): OAuthAnswer {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: 'form-encoded body expected' },
    };
  }
  const form = Object.fromEntries(new URLSearchParams(rawBody));
  call.body = form;
  const basic = basicCredentials(req.headers.authorization);
  const clientId = form.client_id ?? basic?.id;
  const clientSecret = form.client_secret ?? basic?.secret;
  if (clientId !== core.options.clientId || clientSecret !== core.options.clientSecret) {
    return { status: 401, body: { error: 'invalid_client' } };
  }

  if (form.grant_type === 'authorization_code') {
    const storeId = core.tokens.redeemCode(form.code ?? '');
    if (storeId === undefined) return invalidGrant();
    call.storeId = storeId;
    const store = core.stores.get(storeId);
    if (store) store.installed = true;
    return { status: 200, body: tokenBody(core, core.tokens.issue(storeId, ACCESS_TOKEN_TTL_SEC)) };
  }

  if (form.grant_type === 'refresh_token') {
    const outcome = core.tokens.useRefreshToken(form.refresh_token ?? '', ACCESS_TOKEN_TTL_SEC);
    call.storeId = outcome.storeId;
    const store = outcome.storeId === undefined ? undefined : core.stores.get(outcome.storeId);
    if (!outcome.ok) {
      if (store && outcome.reason === 'reused') store.refreshReuseCount++;
      return invalidGrant();
    }
    if (store) store.refreshCount++;
    return { status: 200, body: tokenBody(core, outcome.tokens) };
  }
  return { status: 400, body: { error: 'unsupported_grant_type' } };
}

function userInfo(core: SimulatorCore, req: IncomingMessage, call: SimulatorCall): OAuthAnswer {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const check = bearer ? core.tokens.checkAccess(bearer) : undefined;
  const store = check?.ok ? core.stores.get(check.storeId) : undefined;
  if (!store || !store.installed) {
    return {
      status: 401,
      body: { status: 401, success: false, error: { code: 'Unauthorized', message: 'Unauthorized' } },
    };
  }
  call.storeId = store.id;
  const { id, name, domain, plan } = store.profile;
  return {
    status: 200,
    body: {
      status: 200,
      success: true,
      data: {
        id: 1000,
        name: `${name} owner`,
        email: `owner${id}@example.test`,
        mobile: '+966500000000',
        role: 'user',
        created_at: '2024-01-01 10:00:00',
        merchant: {
          id: /^\d+$/.test(id) ? Number(id) : id,
          username: `store-${id}`,
          name,
          avatar: 'https://cdn.salla.sa/sim/store-avatar.png',
          store_location: '24.7136,46.6753',
          plan,
          status: 'active',
          domain,
          created_at: '2024-01-01 10:00:00',
        },
        context: { app: 123456789, scope: core.options.scope, exp: Math.floor(core.now() / 1000) + 3600 },
      },
    },
  };
}

/** Salla answers a refused refresh token (unknown, spent, revoked or expired) with this bare body. */
const invalidGrant = (): OAuthAnswer => ({ status: 400, body: { error: 'invalid_grant' } });

function tokenBody(core: SimulatorCore, tokens: IssuedTokens): Record<string, unknown> {
  const field = core.options.tokenExpiryField;
  const expiresIn = tokens.expires - Math.floor(core.now() / 1000);
  return {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    ...(field !== 'expires_in' ? { expires: tokens.expires } : {}),
    ...(field !== 'expires' ? { expires_in: expiresIn } : {}),
    scope: tokens.scope,
    token_type: 'bearer',
  };
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}
