import type { IncomingMessage, ServerResponse } from 'node:http';

import { API_ROUTES } from '../api/api-routes';
import type { ApiHandler } from '../api/route-context';
import { handleOAuth } from '../auth/oauth-endpoint';
import type { BucketDecision } from '../limits/leaky-bucket';
import type { BulkQueue } from '../quantities/bulk-queue';
import { queryRecord, type SimulatorCall } from '../recording';
import type { SimulatorCore } from '../simulator-core';
import { ApiError, errorBody, successBody } from './envelope';
import { matchRoute } from './router';

export const API_BASE = '/admin/v2';
export const OAUTH_BASE = '/oauth2';
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface ServerControls {
  /** Real milliseconds every answer waits before it is sent. */
  latencyMs: number;
  /** Responses held by `timeoutNext`, ended when the simulator closes. */
  held: Set<ServerResponse>;
}

/**
 * The request pipeline. A Merchant API call goes: record → authenticate (401) → count it for the store →
 * leaky bucket (429) → held by `timeoutNext` → injected failure → route (404) → handler. Rate-limit headers
 * go on every answer once the store is known.
 */
export function createRequestListener(core: SimulatorCore, bulk: BulkQueue, controls: ServerControls) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      void delay(controls.latencyMs).then(() => dispatch(core, bulk, controls, req, res, raw));
    });
  };
}

function dispatch(
  core: SimulatorCore,
  bulk: BulkQueue,
  controls: ServerControls,
  req: IncomingMessage,
  res: ServerResponse,
  raw: string,
): void {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const call: SimulatorCall = {
    kind: 'other',
    method: req.method ?? 'GET',
    path: url.pathname,
    query: queryRecord(url.searchParams),
    status: 0,
    at: core.now(),
  };
  core.calls.push(call);
  const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  try {
    if (url.pathname.startsWith(`${OAUTH_BASE}/`)) {
      call.kind = 'oauth';
      const answer = handleOAuth(core, req, url.pathname.slice(OAUTH_BASE.length), raw, call);
      return send(answer.status, answer.body, { 'cache-control': 'no-store' });
    }
    if (url.pathname !== API_BASE && !url.pathname.startsWith(`${API_BASE}/`)) {
      return send(404, errorBody(404, 'not found'));
    }
    call.kind = 'api';
    handleApi(core, bulk, controls, req, res, url, raw, call, send);
  } catch (err) {
    // A bug in the simulator must show up as a failing call, not a hung client.
    send(500, errorBody(500, err instanceof Error ? err.message : 'internal error'));
  }
}

function handleApi(
  core: SimulatorCore,
  bulk: BulkQueue,
  controls: ServerControls,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
  call: SimulatorCall,
  send: (status: number, body: unknown, headers?: Record<string, string>) => void,
): void {
  const match = matchRoute<ApiHandler>(API_ROUTES, call.method, url.pathname.slice(API_BASE.length) || '/');
  call.route = match?.route.template;

  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const access = bearer ? core.tokens.checkAccess(bearer) : undefined;
  const store = access?.storeId === undefined ? undefined : core.stores.get(access.storeId);
  call.storeId = store?.id;
  if (store) store.requestTimes.push(call.at);
  if (!access?.ok || !store || !store.installed) {
    const headers = store ? rateHeaders(store.bucket.peek(call.at)) : {};
    const reason = !bearer ? 'missing' : access && !access.ok ? access.reason : 'invalid';
    return send(401, errorBody(401, `Unauthorized: access token ${reason}`), headers);
  }

  const decision = store.bucket.take(call.at);
  const headers = rateHeaders(decision);
  if (!decision.allowed) {
    store.rateLimitRejections++;
    return send(429, errorBody(429, 'Too Many Attempts.'), {
      ...headers,
      'retry-after': String(decision.retryAfterSec),
    });
  }
  if (store.faults.takeTimeout()) return hold(controls, res);
  const failure = store.faults.takeFailure();
  if (failure) return sendFailure(send, failure, headers);
  if (!match) return send(404, errorBody(404, `route ${call.method} ${url.pathname} not found`), headers);

  let body: unknown;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
    } catch {
      return send(400, errorBody(400, 'The request body is not valid JSON.'), headers);
    }
  }
  call.body = body;
  try {
    const result = match.route.handler({
      core,
      bulk,
      store,
      params: match.params,
      query: url.searchParams,
      body,
      url,
    });
    send(result.status ?? 200, successBody(result), headers);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    send(err.status, errorBody(err.status, err.message, err.fields), headers);
  }
}

function sendFailure(
  send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  failure: { status: number; retryAfterSec?: number; abuse?: boolean },
  headers: Record<string, string>,
): void {
  const retryAfter = failure.retryAfterSec ?? (failure.status === 429 ? 1 : undefined);
  const extra: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  const message =
    failure.status === 429
      ? 'Too Many Attempts.'
      : failure.status === 403 && failure.abuse
        ? 'Too many requests: your access is temporarily blocked because of abuse. Try again later.'
        : failure.status === 403
          ? 'This action is unauthorized.'
          : 'Something went wrong, please try again later.';
  send(failure.status, errorBody(failure.status, message), { ...headers, ...extra });
}

/** `timeoutNext`: never answer; the client's own timeout ends it (or close() does). */
function hold(controls: ServerControls, res: ServerResponse): void {
  controls.held.add(res);
  res.on('close', () => controls.held.delete(res));
}

function rateHeaders(decision: BucketDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(decision.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': String(decision.resetAt),
  };
}

const delay = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
