import { lookup as dnsLookup } from 'node:dns/promises';

import { blockedReason, effectiveAddress } from './blocked-ranges';
import { cidrContains, parseCidr, parseIp, type Cidr, type IpAddress } from './ip-address';
import { displayUrl, OdooUrlRefusedError } from './url-refused.error';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (like `dns.lookup(host, { all: true })`). */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface SsrfPolicy {
  /**
   * Targets permitted although they would be refused: host names (`odoo.internal`), addresses
   * (`127.0.0.1`) or CIDRs (`10.20.0.0/16`). From configuration, never from the merchant.
   */
  allowHosts?: readonly string[];
  /** Permit plain `http:` (tests, a trusted intranet). Default false: https required. */
  allowHttp?: boolean;
  /** DNS resolution; injectable so tests are deterministic. Default: the system resolver. */
  lookup?: HostLookup;
}

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The allow-list, parsed once. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly cidrs: Cidr[] = [];

  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const cidr = parseCidr(entry);
      if (cidr) this.cidrs.push(cidr);
      else if (entry.includes('/')) throw new Error(`allow-list entry "${raw}" is not a valid CIDR`);
      else this.hosts.add(normalizeHostname(entry));
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(normalizeHostname(hostname));
  }

  allowsAddress(address: IpAddress): boolean {
    const effective = effectiveAddress(address);
    return this.cidrs.some((cidr) => cidrContains(cidr, address) || cidrContains(cidr, effective));
  }
}

/**
 * Checks what can be known from the URL alone: scheme, https, no credentials in it, and — when the host is an
 * IP literal — the address. Synchronous; used for every redirect hop before anything is sent.
 */
export function checkUrlShape(
  input: string | URL,
  policy: SsrfPolicy,
  allow = new AllowList(policy.allowHosts),
): URL {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input.trim()) : input;
  } catch {
    throw new OdooUrlRefusedError(displayUrl(String(input)), 'is not a valid URL');
  }
  const shown = displayUrl(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OdooUrlRefusedError(
      shown,
      `uses the scheme "${url.protocol.replace(/:$/, '')}"; only https is accepted`,
    );
  }
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw new OdooUrlRefusedError(shown, 'uses plain http; https is required');
  }
  if (url.username || url.password) {
    throw new OdooUrlRefusedError(
      shown,
      'contains a user name or password; enter them in the login fields instead',
    );
  }
  const literal = parseIp(url.hostname);
  if (literal) refuseBlockedAddress(shown, 'is', literal, allow, url.hostname);
  return url;
}

/**
 * The full check for a URL the merchant typed: its shape, then every address its host resolves to.
 * Resolves to the parsed URL; throws `OdooUrlRefusedError` with a merchant-readable reason. A host that does
 * not resolve at all rejects with the resolver's own error (ENOTFOUND...): that is "unreachable", not "refused".
 */
export async function checkOdooUrl(input: string | URL, policy: SsrfPolicy = {}): Promise<URL> {
  const allow = new AllowList(policy.allowHosts);
  const url = checkUrlShape(input, policy, allow);
  if (!parseIp(url.hostname)) await resolveCheckedAddress(url.hostname, policy, allow, displayUrl(url));
  return url;
}

/**
 * Resolves `hostname` once and checks EVERY address it answers (a name with one public and one private
 * address is refused: which one a later connection would get is not ours to choose). Returns the address to
 * connect to — the caller must connect to exactly this address, never resolve the name again.
 */
export async function resolveCheckedAddress(
  hostname: string,
  policy: SsrfPolicy,
  allow = new AllowList(policy.allowHosts),
  shownUrl = hostname,
): Promise<ResolvedAddress> {
  const literal = parseIp(hostname);
  if (literal) {
    refuseBlockedAddress(shownUrl, 'is', literal, allow, hostname);
    return { address: literal.text, family: literal.family };
  }
  const answers = await (policy.lookup ?? systemLookup)(hostname);
  if (answers.length === 0) {
    throw Object.assign(new Error(`the host name ${hostname} does not resolve`), { code: 'ENOTFOUND' });
  }
  const hostAllowed = allow.allowsHost(hostname);
  for (const answer of answers) {
    const address = parseIp(answer.address);
    if (!address)
      throw new OdooUrlRefusedError(shownUrl, `resolves to an unparseable address "${answer.address}"`);
    if (!hostAllowed) refuseBlockedAddress(shownUrl, 'resolves to', address, allow, hostname);
  }
  return answers[0];
}

function refuseBlockedAddress(
  shownUrl: string,
  verb: 'is' | 'resolves to',
  address: IpAddress,
  allow: AllowList,
  hostname: string,
): void {
  if (allow.allowsHost(hostname) || allow.allowsAddress(address)) return;
  const reason = blockedReason(address);
  if (!reason) return;
  // An IPv4-mapped/NAT64 address is named by the IPv4 address it reaches, which is what the merchant knows.
  const effective = effectiveAddress(address);
  const shown = effective === address ? address.text : `${effective.text} (as ${address.text})`;
  throw new OdooUrlRefusedError(shownUrl, `${verb} ${reason} ${shown}`);
}

function normalizeHostname(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}
