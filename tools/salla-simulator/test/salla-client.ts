/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, asserted field by field */
import type { SallaSimulator } from '../src';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** One Merchant API call the way the connector makes it. */
export async function callApi(
  sim: SallaSimulator,
  token: string | undefined,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** `POST /oauth2/token`, form-encoded, with the simulator's client credentials unless overridden. */
export async function tokenRequest(sim: SallaSimulator, fields: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${sim.oauthUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      ...fields,
    }).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
