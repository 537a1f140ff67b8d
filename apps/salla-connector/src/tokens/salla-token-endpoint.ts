import { Agent, fetch } from 'undici';

/** Salla documents access tokens as valid for 14 days; used only when a token answer names no expiry. */
const DEFAULT_ACCESS_TOKEN_LIFETIME_S = 14 * 24 * 3600;

/** A token answer of `POST <oauthUrl>/token`, checked. Holds secrets: never log it. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: Date;
  scopes: string[];
}

/**
 * What became of one refresh request, from the point of view of "may this refresh token be sent again?".
 * Details are short codes and numbers, never a token or the client secret.
 */
export type RefreshOutcome =
  | { kind: 'issued'; tokens: IssuedTokens }
  /** Salla says the refresh token is spent, expired or revoked. */
  | { kind: 'invalid_grant' }
  /** Salla answered 2xx (so it spent the refresh token) with nothing we can use. */
  | { kind: 'unusable'; detail: string }
  /** Salla answered with another error: it issued nothing, the refresh token may be sent again. */
  | { kind: 'refused'; detail: string }
  /** The request never left this host (connection refused, unknown host): Salla never saw the token. */
  | { kind: 'not_sent'; detail: string }
  /** Sent, but we do not know what Salla did with it (timeout, reset, 5xx). */
  | { kind: 'unknown'; detail: string };

export interface SallaTokenEndpointOptions {
  /** e.g. `https://accounts.salla.sa/oauth2`; the request goes to `<oauthUrl>/token`. */
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

/**
 * Failures that happen before a single byte of the request is written: nothing reached Salla. Anything else
 * (a reset, a timeout, TLS trouble after connecting) may have delivered the request.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Salla's token endpoint, refresh grant only (the install's code exchange lives in the gateway). */
export class SallaTokenEndpoint {
  /**
   * Connecting gets at most half the request's time (5 s at most), so a connection that never opens (SYNs
   * dropped during a network partition) ends as UND_ERR_CONNECT_TIMEOUT — not sent — before the request's own
   * timeout, which would leave "Salla may have spent the refresh token" and lock the store out for nothing.
   */
  private readonly dispatcher: Agent;

  constructor(private readonly options: SallaTokenEndpointOptions) {
    const connectTimeoutMs = Math.max(100, Math.min(5_000, Math.floor(options.timeoutMs / 2)));
    this.dispatcher = new Agent({ connect: { timeout: connectTimeoutMs } });
  }

  /** Sends the refresh token once; never throws, never retries. */
  async refresh(refreshToken: string, now: () => Date): Promise<RefreshOutcome> {
    const { oauthUrl, clientId, clientSecret, timeoutMs } = this.options;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
    });
    let res: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      res = await fetch(`${oauthUrl.replace(/\/+$/, '')}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
        dispatcher: this.dispatcher,
      });
      text = await res.text();
    } catch (err) {
      return classifyNetworkError(err, timeoutMs);
    }
    const body = parseJson(text);
    if (res.ok) {
      const tokens = parseTokens(body, now());
      return typeof tokens === 'string' ? { kind: 'unusable', detail: tokens } : { kind: 'issued', tokens };
    }
    const code = oauthErrorOf(body);
    if (code === 'invalid_grant' && res.status < 500) return { kind: 'invalid_grant' };
    const detail = `answered ${res.status}${code ? ` ${code}` : ''}`;
    // A 5xx may come from a proxy after Salla processed the request; a 4xx is Salla refusing it.
    return res.status >= 500 ? { kind: 'unknown', detail } : { kind: 'refused', detail };
  }
}

function classifyNetworkError(err: unknown, timeoutMs: number): RefreshOutcome {
  const name = fieldOf(err, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'unknown', detail: `no answer within ${timeoutMs} ms` };
  }
  const codes = errorCodes(err);
  if (codes.length > 0 && codes.every((c) => NOT_SENT_CODES.has(c))) {
    return { kind: 'not_sent', detail: `request not sent (${codes[0]})` };
  }
  return { kind: 'unknown', detail: `request failed (${codes[0] ?? 'network error'})` };
}

/**
 * Error codes of fetch's failure: its `cause`, or each attempt of an AggregateError (several addresses).
 * Read structurally, not with `instanceof`: fetch's errors may come from another realm (jest's sandbox).
 */
function errorCodes(err: unknown): string[] {
  const cause = fieldOf(err, 'cause');
  const attempts = fieldOf(cause, 'errors');
  const nested = Array.isArray(attempts) ? (attempts as unknown[]) : [cause];
  return nested.map((e) => fieldOf(e, 'code')).filter((c): c is string => typeof c === 'string');
}

function fieldOf(value: unknown, field: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/**
 * Expiry of an access token, as the gateway reads it: `expires` (absolute unix seconds, or milliseconds) or
 * `expires_in` (seconds from now); an `expires` already in the past is not trusted when `expires_in` exists.
 */
function expiryOf(body: Json, now: Date): Date {
  const expires = toNumber(body.expires);
  const expiresIn = toNumber(body.expires_in);
  if (expires !== undefined && (expires * 1000 > now.getTime() || expiresIn === undefined)) {
    return new Date(expires > 1e12 ? expires : expires * 1000);
  }
  if (expiresIn !== undefined) return new Date(now.getTime() + expiresIn * 1000);
  return new Date(now.getTime() + DEFAULT_ACCESS_TOKEN_LIFETIME_S * 1000);
}

/** The tokens of a 2xx answer, or what is wrong with it (a field name, never a value). */
function parseTokens(body: unknown, now: Date): IssuedTokens | string {
  // Some Salla answers wrap the payload in `{ status, success, data }`.
  const raw = isObject(body) && isObject(body.data) && body.access_token === undefined ? body.data : body;
  if (!isObject(raw)) return 'the answer is not a JSON object';
  if (typeof raw.access_token !== 'string' || raw.access_token === '')
    return 'the answer has no access_token';
  const scope = raw.scope;
  const scopes = Array.isArray(scope)
    ? scope.filter((s): s is string => typeof s === 'string' && s !== '')
    : typeof scope === 'string'
      ? scope.split(/[\s,]+/).filter(Boolean)
      : [];
  return {
    accessToken: raw.access_token,
    refreshToken:
      typeof raw.refresh_token === 'string' && raw.refresh_token !== '' ? raw.refresh_token : undefined,
    expiresAt: expiryOf(raw, now),
    scopes,
  };
}

/** The OAuth `error` code of an error answer (`{"error":"invalid_grant"}` or `{error:{code}}`), if short. */
function oauthErrorOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  const code = isObject(error) ? error.code : error;
  const text = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return /^[A-Za-z0-9_.-]{1,64}$/.test(text) ? text : undefined;
}
