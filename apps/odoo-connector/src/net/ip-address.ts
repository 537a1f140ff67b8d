import { isIP } from 'node:net';

/** An IP address as a number, so ranges are plain comparisons. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
  /** The canonical text (IPv6 without brackets or zone). */
  text: string;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/** Parses `10.0.0.1`, `::1`, `[::1]` or `fe80::1%eth0`; undefined when the text is not an IP address. */
export function parseIp(input: string): IpAddress | undefined {
  const unbracketed = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const text = unbracketed.split('%')[0].toLowerCase();
  switch (isIP(text)) {
    case 4:
      return { family: 4, value: ipv4ToBigInt(text), text };
    case 6:
      return { family: 6, value: ipv6ToBigInt(text), text };
    default:
      return undefined;
  }
}

/** Parses `10.0.0.0/8`, `fc00::/7`, or a single address (a /32 or /128). */
export function parseCidr(input: string): Cidr | undefined {
  const [addressPart, prefixPart, ...rest] = input.trim().split('/');
  if (rest.length > 0) return undefined;
  const address = parseIp(addressPart);
  if (!address) return undefined;
  const width = address.family === 4 ? 32 : 128;
  const prefix = prefixPart === undefined ? width : Number(prefixPart);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return undefined;
  return { family: address.family, base: address.value & mask(width, prefix), prefix };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  const width = cidr.family === 4 ? 32 : 128;
  return (address.value & mask(width, cidr.prefix)) === cidr.base;
}

export function ipv4FromBigInt(value: bigint): IpAddress {
  const n = Number(value & 0xffffffffn);
  const text = [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
  return { family: 4, value: BigInt(n >>> 0), text };
}

function mask(width: number, prefix: number): bigint {
  const all = (1n << BigInt(width)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(width - prefix)) << BigInt(width - prefix);
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(text: string): bigint {
  let groups: string[];
  // An embedded dotted IPv4 tail (`::ffff:10.0.0.1`) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  let tail = text.slice(lastColon + 1);
  let head = text;
  if (tail.includes('.')) {
    const v4 = Number(ipv4ToBigInt(tail));
    head = text.slice(0, lastColon + 1);
    tail = `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
    head = `${head}${tail}`;
  }
  const [left, right] = head.split('::');
  if (right === undefined) {
    groups = left.split(':');
  } else {
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    groups = [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  }
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}
