/**
 * The Odoo URL points somewhere the connector must not go (our own network, the metadata service, a
 * non-http(s) scheme, plain http when https is required...). Permanent: retrying cannot change the answer;
 * the merchant has to change the URL. The message is written for them and never carries a stack trace,
 * credentials or a query string.
 */
export class OdooUrlRefusedError extends Error {
  readonly permanent = true as const;

  constructor(
    /** The URL as shown to the merchant: scheme, host, port and path only. */
    readonly url: string,
    /** Why, e.g. `resolves to a private address 10.0.0.1`. */
    readonly reason: string,
  ) {
    super(`The Odoo URL ${url} is refused: it ${reason}`);
    this.name = 'OdooUrlRefusedError';
  }
}

/** A URL without user info, query or fragment, for messages. */
export function displayUrl(url: URL | string): string {
  if (typeof url === 'string') {
    try {
      return displayUrl(new URL(url));
    } catch {
      return JSON.stringify(url.slice(0, 200));
    }
  }
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}
