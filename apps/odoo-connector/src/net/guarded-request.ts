import { request, type Dispatcher } from 'undici';

import { AllowList, checkOdooUrl, checkUrlShape, type SsrfPolicy } from './ssrf-policy';
import { displayUrl, OdooUrlRefusedError } from './url-refused.error';

export interface GuardedRequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Must be a guarded agent (`createGuardedAgent`) built with the same policy: it checks every connection. */
  dispatcher: Dispatcher;
  policy: SsrfPolicy;
  /** Redirect hops followed before giving up (default 3). */
  maxRedirects?: number;
  signal?: AbortSignal;
  headersTimeout?: number;
  bodyTimeout?: number;
}

export interface GuardedResponse {
  statusCode: number;
  headers: Dispatcher.ResponseData['headers'];
  body: Dispatcher.ResponseData['body'];
  /** Where the answer finally came from (after redirects). */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP exchange through the guarded agent, following redirects by hand so each hop is checked again
 * (shape, then every address of its host) before anything is sent there.
 *
 * A redirect to a DIFFERENT host is refused even when that host is public: the request body carries the API
 * key (JSON-RPC) or the Authorization header does (JSON-2), and re-sending it to a host the merchant did not
 * type would hand it over. The merchant is told to enter the final URL instead. 303 turns the request into a
 * GET without body; the other codes keep method and body (Odoo's endpoints are POST-only).
 */
export async function guardedRequest(url: URL, options: GuardedRequestOptions): Promise<GuardedResponse> {
  const { policy, maxRedirects = 3 } = options;
  const allow = new AllowList(policy.allowHosts);
  let current = checkUrlShape(url, policy, allow);
  let method = options.method;
  let body = options.body;

  for (let hop = 0; ; hop++) {
    const response = await request(current, {
      method,
      headers: options.headers,
      body,
      dispatcher: options.dispatcher,
      signal: options.signal,
      headersTimeout: options.headersTimeout,
      bodyTimeout: options.bodyTimeout,
    });
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode) || typeof location !== 'string') {
      return { ...response, url: current };
    }
    await response.body.dump();
    if (hop >= maxRedirects) {
      throw new OdooUrlRefusedError(displayUrl(url), `redirects more than ${maxRedirects} times`);
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new OdooUrlRefusedError(displayUrl(current), 'redirects to an invalid address');
    }
    try {
      await checkOdooUrl(next, policy);
    } catch (err) {
      if (err instanceof OdooUrlRefusedError) {
        throw new OdooUrlRefusedError(displayUrl(url), `redirects to ${err.url}, which ${err.reason}`);
      }
      throw err;
    }
    if (next.hostname !== current.hostname) {
      throw new OdooUrlRefusedError(
        displayUrl(url),
        `redirects to another host (${displayUrl(next)}); enter that address as the Odoo URL instead`,
      );
    }
    if (response.statusCode === 303) {
      method = 'GET';
      body = undefined;
    }
    current = next;
  }
}
