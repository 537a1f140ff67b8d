import { cidrContains, ipv4FromBigInt, parseCidr, type Cidr, type IpAddress } from './ip-address';

/**
 * Address ranges an Odoo URL typed by a merchant must never reach: our own host, the cluster network, the
 * cloud metadata service, or anything that is not a public unicast address. First match wins, so the
 * metadata address is named before the link-local range that contains it.
 */
const BLOCKED: ReadonlyArray<readonly [string, string]> = [
  ['169.254.169.254/32', 'the cloud metadata address'],
  ['0.0.0.0/8', 'a "this network" address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'a reserved address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a reserved address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved address'],
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  ['100::/64', 'a reserved address'],
  ['2001:db8::/32', 'a documentation address'],
  ['fc00::/7', 'a unique-local address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
];

const BLOCKED_CIDRS: ReadonlyArray<readonly [Cidr, string]> = BLOCKED.map(([text, reason]) => {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad built-in CIDR ${text}`);
  return [cidr, reason] as const;
});

/** IPv6 ranges that carry an IPv4 address inside them; the embedded address is what gets reached. */
const EMBEDDING: ReadonlyArray<readonly [Cidr, (value: bigint) => bigint]> = [
  [parseCidr('::ffff:0:0/96')!, (v) => v & 0xffffffffn], // IPv4-mapped
  [parseCidr('64:ff9b::/96')!, (v) => v & 0xffffffffn], // NAT64 well-known prefix
  [parseCidr('::/96')!, (v) => v & 0xffffffffn], // IPv4-compatible (deprecated)
  [parseCidr('2002::/16')!, (v) => (v >> 80n) & 0xffffffffn], // 6to4
];

/**
 * The IPv4 address an IPv6 address stands for (`::ffff:127.0.0.1` → `127.0.0.1`), or the address itself.
 * `::` and `::1` are left alone: they are IPv6's own unspecified and loopback addresses.
 */
export function effectiveAddress(address: IpAddress): IpAddress {
  if (address.family !== 6 || address.value <= 1n) return address;
  for (const [cidr, extract] of EMBEDDING) {
    if (cidrContains(cidr, address)) return ipv4FromBigInt(extract(address.value));
  }
  return address;
}

/** Why the address may not be reached (e.g. "a private address"), or undefined for a public unicast address. */
export function blockedReason(address: IpAddress): string | undefined {
  const target = effectiveAddress(address);
  return BLOCKED_CIDRS.find(([cidr]) => cidrContains(cidr, target))?.[1];
}
