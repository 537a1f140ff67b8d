import { OdooUnsupportedVersionError, type OdooProtocol } from './odoo-errors';

export const MIN_SUPPORTED_MAJOR = 16;
/** First version with the JSON-2 API; JSON-RPC is deprecated there (removed in 22). */
export const JSON2_MIN_MAJOR = 19;

export interface OdooServerVersion {
  major: number;
  minor: number;
  /** As the server says it, e.g. `16.0`, `saas~17.2`, `19.0+e`. */
  label: string;
  protocol: OdooProtocol;
}

/**
 * Reads a version from `/web/webclient/version_info`'s result (`server_version_info: [16, 0, 0, 'final', 0,
 * '']`, or `['saas~17', 2, ...]` on odoo.com), or from a configured override (`'17.0'`, `18`).
 * Throws `OdooUnsupportedVersionError` below 16 or when nothing version-like is found.
 */
export function parseOdooVersion(source: unknown): OdooServerVersion {
  const { major, minor, label } = extract(source);
  if (!Number.isInteger(major)) {
    throw new OdooUnsupportedVersionError(`Could not read an Odoo version from the server's answer`, label);
  }
  if (major < MIN_SUPPORTED_MAJOR) {
    throw new OdooUnsupportedVersionError(
      `Odoo ${label} is not supported; version ${MIN_SUPPORTED_MAJOR} or newer is required`,
      label,
    );
  }
  return { major, minor, label, protocol: protocolForMajor(major) };
}

export function protocolForMajor(major: number): OdooProtocol {
  return major >= JSON2_MIN_MAJOR ? 'json-2' : 'json-rpc';
}

function extract(source: unknown): { major: number; minor: number; label: string } {
  if (typeof source === 'number') return { major: Math.trunc(source), minor: 0, label: String(source) };
  if (typeof source === 'string') return fromText(source);
  if (typeof source === 'object' && source !== null) {
    const info = source as {
      server_version_info?: unknown;
      server_version?: unknown;
      server_serie?: unknown;
    };
    const label =
      typeof info.server_version === 'string'
        ? info.server_version
        : typeof info.server_serie === 'string'
          ? info.server_serie
          : '';
    if (Array.isArray(info.server_version_info) && info.server_version_info.length >= 2) {
      const [first, second] = info.server_version_info as unknown[];
      const major = typeof first === 'number' ? first : fromText(String(first)).major;
      const minor = typeof second === 'number' ? second : 0;
      return { major, minor, label: label || `${major}.${minor}` };
    }
    return fromText(label);
  }
  return { major: NaN, minor: 0, label: String(source) };
}

function fromText(text: string): { major: number; minor: number; label: string } {
  const match = /(\d+)(?:\.(\d+))?/.exec(text);
  return match
    ? { major: Number(match[1]), minor: Number(match[2] ?? 0), label: text }
    : { major: NaN, minor: 0, label: text };
}
