/** What a secret is replaced with, everywhere. */
export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 10;

/**
 * Key fragments that mark a value as secret, compared against the key lower-cased with everything but
 * letters and digits removed, so `access_token`, `accessToken`, `X-Access-Token` and `x-salla-signature`
 * all match. Over-redacting a harmless `tokenType` is the price of never leaking a real one.
 */
const SECRET_KEY_FRAGMENTS = [
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'authorization',
  'signature',
  'cookie',
  'apikey',
  'privatekey',
  'masterkey',
  'datakey',
  'wrappedkey',
  'encryptionkey',
  'signingkey',
  'secretkey',
  'hmackey',
  'keymaterial',
  'credential',
];
/** Short keys that are secret only as a whole word (`auth` of an HTTP client config, a data-encryption key). */
const SECRET_KEYS_EXACT = new Set(['auth', 'pwd', 'dek', 'kek', 'pin', 'otp', 'cvv']);

/** Odoo's external API passes the password or API key positionally: `execute_kw(db, uid, KEY, model, …)`. */
const ODOO_METHODS_WITH_KEY_AT_2 = new Set(['execute_kw', 'execute', 'authenticate', 'login']);

const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

/** Rules applied to every string, in order; each is idempotent on its own output. */
const STRING_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Credentials in a URL: mongodb://user:pass@host → mongodb://user:[REDACTED]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // Header lines and header-shaped pairs: "Authorization: Basic …", "cookie=…", '"x-salla-signature":"…"'.
  [
    /\b((?:proxy-)?authorization|x-salla-signature|x-api-key|set-cookie|cookie)(["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Bearer tokens anywhere in free text.
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // key=value / "key":"value" pairs whose key names a secret (query strings, JSON inside a message).
  [
    /\b([A-Za-z0-9_-]*(?:token|secret|password|passwd|api[_-]?key|signature|master[_-]?key)[A-Za-z0-9_-]*)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^"'&\s,;}\]]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Salla (Ory Hydra) opaque tokens and JWTs, even without a label in front of them.
  [/\bory_(?:at|rt|ac|pat)_[A-Za-z0-9._~+/-]+/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** True when a property or header with this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (k === '') return false;
  return SECRET_KEYS_EXACT.has(k) || SECRET_KEY_FRAGMENTS.some((f) => k.includes(f));
}

/** Replaces bearer tokens, header values, `secret=…` pairs, URL passwords and known token shapes in text. */
export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of STRING_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Returns a copy of `value` that is safe to log: secret-named keys become "[REDACTED]" (booleans and
 * null are kept, they carry no secret), strings are scrubbed with {@link redactString}, Buffers become a
 * size, Errors become `{ name, message, stack, …own fields, cause }`, cycles become "[Circular]".
 * Never throws and never mutates its input.
 */
export function redact(value: unknown): unknown {
  return walk(value, new Set<object>(), 0);
}

function walk(value: unknown, path: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return redactString(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return value.toString();
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const obj = value as object;

  if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
  if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
  if (obj instanceof ArrayBuffer) return `[ArrayBuffer ${obj.byteLength} bytes]`;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof RegExp) return obj.toString();

  if (path.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? '[Array]' : '[Object]';

  path.add(obj);
  try {
    if (obj instanceof Error) return walkError(obj, path, depth);
    if (Array.isArray(obj)) return walkArray(obj, path, depth);
    if (obj instanceof Map)
      return walkEntries(
        Array.from(obj.entries(), ([k, v]) => [String(k), v]),
        path,
        depth,
      );
    if (obj instanceof Set) return walkArray(Array.from(obj), path, depth);
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !isPlainObject(obj)) {
      // ObjectId, Decimal128, mongoose documents, URL: log what JSON.stringify would have logged.
      return walk(
        safely(() => (toJSON as () => unknown).call(obj)),
        path,
        depth + 1,
      );
    }
    return walkEntries(ownEntries(obj), path, depth);
  } finally {
    path.delete(obj);
  }
}

function walkEntries(
  entries: Array<[string, unknown]>,
  path: Set<object>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && typeof v !== 'boolean'
        ? REDACTED
        : walk(v, path, depth + 1);
  }
  const method = out['method'];
  const args = out['args'];
  if (
    typeof method === 'string' &&
    ODOO_METHODS_WITH_KEY_AT_2.has(method) &&
    Array.isArray(args) &&
    args.length > 2
  ) {
    out['args'] = args.map((a: unknown, i) => (i === 2 ? REDACTED : a));
  }
  return out;
}

function walkArray(items: unknown[], path: Set<object>, depth: number): unknown[] {
  const out = items.map((item) => walk(item, path, depth + 1));
  // Raw header lists: ['Authorization', 'Basic …', 'Cookie', 'sid=…'].
  for (let i = 0; i < items.length - 1; i++) {
    const name = items[i];
    if (
      typeof name === 'string' &&
      HEADER_NAME.test(name) &&
      isSecretKey(name) &&
      typeof items[i + 1] === 'string'
    ) {
      out[i + 1] = REDACTED;
    }
  }
  return out;
}

function walkError(err: Error, path: Set<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: safely(() => err.name) ?? 'Error',
    message: redactString(String(safely(() => err.message) ?? '')),
  };
  const stack = safely(() => err.stack);
  if (typeof stack === 'string') out['stack'] = redactString(stack);
  const rest = walkEntries(
    ownEntries(err).filter(([k]) => k !== 'name' && k !== 'message' && k !== 'stack'),
    path,
    depth,
  );
  Object.assign(out, rest);
  const cause = safely(() => err.cause);
  if (cause !== undefined) out['cause'] = walk(cause, path, depth + 1);
  return out;
}

function ownEntries(obj: object): Array<[string, unknown]> {
  return Object.keys(obj).map((k) => [k, safely(() => (obj as Record<string, unknown>)[k])]);
}

function isPlainObject(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj) as unknown;
  return proto === null || proto === Object.prototype;
}

/** A throwing getter must not take the log line (or the request) down with it. */
function safely<T>(read: () => T): T | string {
  try {
    return read();
  } catch {
    return '[Unreadable]';
  }
}
