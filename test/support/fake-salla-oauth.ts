import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal stand-in for Salla's OAuth server (`https://accounts.salla.sa/oauth2`) on 127.0.0.1:
 *
 * - `GET  /oauth2/auth`: recorded. If `authorizeAs(merchantId)` was called, it behaves like a merchant who
 *   approves at once: 302 to `redirect_uri?code=…&state=…` (with the state's hyphens stripped, as Salla does);
 *   otherwise 200 with a placeholder page. Tests may also read the gateway's redirect and call back themselves
 *   with `issueCode(merchantId)`.
 * - `POST /oauth2/token` (form-encoded): `authorization_code` with a code issued here — SINGLE USE, a second
 *   exchange answers 400 `{"error":"invalid_grant"}` — checking client id/secret and redirect_uri; and
 *   `refresh_token` (also single use). Answers `{access_token, refresh_token, expires, scope, token_type}`, or
 *   `expires_in` instead of `expires` with `tokenExpiry: 'expires_in'`.
 * - `GET  /oauth2/user/info` with `Authorization: Bearer <access token>`: `{status, success, data: {…,
 *   merchant: {id, …}}}`, or the bare `data` object with `userInfoShape: 'bare'`.
 */
export interface FakeSallaOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Must equal the `redirect_uri` of the authorize request and of the code exchange. */
  redirectUri: string;
  /** Scope granted (space-separated). Without `offline_access` no refresh token is issued. */
  scope?: string;
  tokenExpiry?: 'expires' | 'expires_in';
  userInfoShape?: 'wrapped' | 'bare';
}

export interface FakeSallaCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form fields of a token request (including the client secret: it is a test double). */
  form?: Record<string, string>;
  authorization?: string;
  status: number;
}

export interface FakeSallaTokens {
  merchantId: string;
  accessToken: string;
  refreshToken?: string;
  /** What the token endpoint answered with, as sent. */
  response: Record<string, unknown>;
}

export interface FakeSallaOAuth {
  /** Base URL to use as SALLA_OAUTH_URL, e.g. `http://127.0.0.1:40123/oauth2`. */
  url: string;
  /** Pre-authorises a code for the merchant, as if they had approved the app on Salla. */
  issueCode(merchantId: string | number): string;
  /** Makes `GET /oauth2/auth` approve at once for this merchant (undefined: stop doing so). */
  authorizeAs(merchantId: string | number | undefined): void;
  /** Changes behaviour for later requests. */
  configure(options: Partial<Pick<FakeSallaOAuthOptions, 'scope' | 'tokenExpiry' | 'userInfoShape'>>): void;
  /** Every request, in order. */
  calls: FakeSallaCall[];
  /** Every token set issued, in order. */
  issued: FakeSallaTokens[];
  close(): Promise<void>;
}

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;
const TOKEN_LIFETIME_S = 14 * 24 * 3600;

export async function startFakeSallaOAuth(options: FakeSallaOAuthOptions): Promise<FakeSallaOAuth> {
  const settings = { scope: 'offline_access', tokenExpiry: 'expires', userInfoShape: 'wrapped', ...options };
  const codes = new Map<string, { merchantId: string; used: boolean }>();
  const refreshTokens = new Map<string, { merchantId: string; used: boolean }>();
  const accessTokens = new Map<string, string>(); // access token -> merchant id
  const calls: FakeSallaCall[] = [];
  const issued: FakeSallaTokens[] = [];
  let approvingMerchant: string | undefined;

  const issueCode = (merchantId: string | number): string => {
    const code = token('ory_ac_');
    codes.set(code, { merchantId: String(merchantId), used: false });
    return code;
  };

  const issueTokens = (merchantId: string): Record<string, unknown> => {
    const accessToken = token('ory_at_');
    const refreshToken = settings.scope.split(/\s+/).includes('offline_access')
      ? token('ory_rt_')
      : undefined;
    accessTokens.set(accessToken, merchantId);
    if (refreshToken) refreshTokens.set(refreshToken, { merchantId, used: false });
    const response: Record<string, unknown> = {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(settings.tokenExpiry === 'expires_in'
        ? { expires_in: TOKEN_LIFETIME_S }
        : { expires: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S }),
      scope: settings.scope,
      token_type: 'bearer',
    };
    issued.push({ merchantId, accessToken, refreshToken, response });
    return response;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const call: FakeSallaCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      status: 0,
    };
    calls.push(call);
    const json = (status: number, value: unknown): void => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };

    if (req.method === 'GET' && url.pathname === '/oauth2/auth') {
      const q = call.query;
      if (q.client_id !== settings.clientId) return json(400, { error: 'invalid_client' });
      if (q.redirect_uri !== settings.redirectUri || q.response_type !== 'code') {
        return json(400, { error: 'invalid_request' });
      }
      if (approvingMerchant === undefined) {
        call.status = 200;
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Log in to Salla (fake)</p>');
        return;
      }
      const back = new URL(settings.redirectUri);
      back.searchParams.set('code', issueCode(approvingMerchant));
      back.searchParams.set('state', (q.state ?? '').replace(/-/g, '')); // Salla strips hyphens
      call.status = 302;
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }

    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = Object.fromEntries(new URLSearchParams(body));
      call.form = form;
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        return json(400, { error: 'invalid_request' });
      }
      if (form.client_id !== settings.clientId || form.client_secret !== settings.clientSecret) {
        return json(401, { error: 'invalid_client' });
      }
      if (form.grant_type === 'authorization_code') {
        const grant = codes.get(form.code ?? '');
        if (!grant || grant.used || form.redirect_uri !== settings.redirectUri) {
          return json(400, { error: 'invalid_grant' });
        }
        grant.used = true;
        return json(200, issueTokens(grant.merchantId));
      }
      if (form.grant_type === 'refresh_token') {
        const grant = refreshTokens.get(form.refresh_token ?? '');
        if (!grant || grant.used) return json(400, { error: 'invalid_grant' });
        grant.used = true;
        return json(200, issueTokens(grant.merchantId));
      }
      return json(400, { error: 'unsupported_grant_type' });
    }

    if (req.method === 'GET' && url.pathname === '/oauth2/user/info') {
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const merchantId = bearer ? accessTokens.get(bearer) : undefined;
      if (!merchantId) {
        return json(401, {
          status: 401,
          success: false,
          error: { code: 'Unauthorized', message: 'Unauthorized' },
        });
      }
      const id = /^\d+$/.test(merchantId) ? Number(merchantId) : merchantId;
      const data = {
        id: 1000 + (Number(id) % 1000 || 1),
        name: 'Fake Merchant Owner',
        email: 'owner@example.test',
        mobile: '+966500000000',
        role: 'user',
        created_at: '2024-01-01 10:00:00',
        merchant: {
          id,
          username: `store-${merchantId}`,
          name: `Store ${merchantId}`,
          avatar: 'https://example.test/avatar.png',
          store_location: '26.2716,50.2017',
          plan: 'pro',
          status: 'active',
          domain: `https://store-${merchantId}.example.test`,
          created_at: '2024-01-01 10:00:00',
        },
        context: {
          app: 123456789,
          scope: settings.scope,
          exp: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S,
        },
      };
      return json(200, settings.userInfoShape === 'bare' ? data : { status: 200, success: true, data });
    }

    json(404, { error: 'not_found' });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/oauth2`,
    issueCode,
    authorizeAs: (merchantId) => {
      approvingMerchant = merchantId === undefined ? undefined : String(merchantId);
    },
    configure: (changes) => Object.assign(settings, changes),
    calls,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
