import type { Prng } from './prng';

/** A mutated body and a short label of what was done to it (printed with a failing case). */
export interface MutatedBody {
  bytes: Buffer;
  label: string;
}

type Json = Record<string, unknown>;

/**
 * JSON text for the value at a top-level key, spliced in textually so values JSON.stringify cannot produce
 * (1e309, -0, raw lone surrogates, duplicate keys) reach the gateway as written.
 */
function withTopLevel(body: Json, key: string, rawValue: string): Buffer {
  const rest = { ...body };
  delete rest[key];
  const inner = JSON.stringify(rest).slice(1, -1);
  return Buffer.from(`{${JSON.stringify(key)}:${rawValue}${inner ? ',' : ''}${inner}}`, 'utf8');
}

/** The body with `data.<key>` set to raw JSON text (data stays an object when it is one). */
function withDataField(body: Json, key: string, rawValue: string): Buffer {
  const data = body.data !== null && typeof body.data === 'object' ? { ...(body.data as Json) } : {};
  delete data[key];
  const inner = JSON.stringify(data).slice(1, -1);
  return withTopLevel(body, 'data', `{${JSON.stringify(key)}:${rawValue}${inner ? ',' : ''}${inner}}`);
}

const WRONG_EVENTS = [
  '123',
  'null',
  '[]',
  '{}',
  'true',
  '""',
  '" "',
  JSON.stringify('x'.repeat(200)),
  '"ORDER.CREATED"',
  '"order"',
  '"order.created\\u0000"',
  '"order.created "',
  '"\\u202eorder.created"',
  '"customer.otp.request"',
  '"review.added"',
  '"order..created"',
  '"order.created\\ud800"',
  '["order.created"]',
  '{"name":"order.created"}',
  '"طلب.جديد"',
  '"order.created\\n"',
];

/** Merchant values; `${store}` becomes one of the fuzz's own store ids (some of these are valid on purpose). */
const MERCHANTS = [
  '0',
  '-1',
  '1.5',
  '1e308',
  '9007199254740993',
  '9007199254740991',
  '""',
  '"abc"',
  '" ${store} "',
  '"${store}"',
  '${store}',
  '"0000"',
  '"000${store}"',
  JSON.stringify('1'.repeat(21)),
  '"١٢٣"',
  'null',
  '[]',
  '{}',
  'true',
  '"-5"',
  '"+5"',
  '"0x1f"',
  '${store}.0',
  '${store}e0',
  '"${store}\\u0000"',
  '[${store}]',
  '"${store}\\u200f"',
];

const CREATED_AT = [
  '123',
  'null',
  '""',
  '"now"',
  '"2022-02-30 10:00:00"',
  '"2022-12-31 24:00:00"',
  '"9999-12-31 23:59:59"',
  '"0000-01-01 00:00:00"',
  '"0001-01-01 00:00:00"',
  '"2022-06-26T09:21:48Z"',
  '"2022-06-26T09:21:48-14:00"',
  '"9999-12-31T23:59:59-14:00"',
  '"9999-12-31T23:59:59.999999999-14:00"',
  '"0001-01-01T00:00:00+14:00"',
  '"Sun Jun 26 2022 12:21:48 GMT+1500"',
  '"Sun Jun 26 2022 12:21:48 GMT-1400"',
  '"Sun Jun 26 2022 12:21:48 GMT+0300 (\\u202bتوقيت\\u202c)"',
  JSON.stringify('x'.repeat(100)),
  '" 2022-12-31 12:31:25 "',
  '"2022-12-31 12:31:25\\u0000"',
  '"2024-02-29 00:00:00"',
  '"2023-02-29 00:00:00"',
  '"2022-12-31 12:31:25\\ud800"',
  '["2022-12-31 12:31:25"]',
  '{"date":"2022-12-31 12:31:25"}',
];

const WRONG_DATA = ['null', '[]', '"str"', '1', 'true', '{}', '[{}]', '""'];

const EDGE_NUMBERS = [
  '1e309',
  '-1e309',
  '-0',
  '9007199254740993',
  '1e-400',
  '123456789012345678901234567890',
  '-1e308',
  '0.0000000000000000000001',
  '1E+2',
  '5e-324',
  '1.7976931348623157e308',
  '-9223372036854775809',
  '0.1e-999999',
];

/** Strings that trip encoders: escaped lone surrogates, bidi controls, BOM, NUL, line separators, emoji. */
const UNICODE_ESCAPED = [
  '"\\ud800"',
  '"\\udfff"',
  '"a\\udc00b"',
  '"\\ud83d"',
  '"\\u202eevil\\u202c"',
  '"\\u200f\\u200e\\u061c"',
  '"\\ufeff"',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\u2028\\u2029"',
  '"\\ud83d\\ude00"',
  '"e\\u0301\\u0301\\u0301"',
  '"\\uffff\\ufffe"',
  JSON.stringify('ﷺ'.repeat(1000)),
];

/** Raw byte sequences that are not valid UTF-8 (overlong, surrogate halves, stray continuation bytes). */
const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
];

const fill = (template: string, store: string): string => template.split('${store}').join(store);

function nested(depth: number, open: string, close: string, leaf = '0'): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** Structure-aware mutations of a parsed webhook body. */
export function mutateStructure(rng: Prng, body: Json, store: string): MutatedBody {
  const kind = rng.pick([
    'event',
    'merchant',
    'created_at',
    'data',
    'missing',
    'deep',
    'array',
    'unicode',
    'nul',
    'dupkey',
    'number',
    'proto',
    'whitespace',
    'extra',
  ] as const);
  switch (kind) {
    case 'event': {
      const v = rng.pick(WRONG_EVENTS);
      return { bytes: withTopLevel(body, 'event', v), label: `event=${v.slice(0, 40)}` };
    }
    case 'merchant': {
      const v = fill(rng.pick(MERCHANTS), store);
      return { bytes: withTopLevel(body, 'merchant', v), label: `merchant=${v.slice(0, 40)}` };
    }
    case 'created_at': {
      const v = rng.pick(CREATED_AT);
      return { bytes: withTopLevel(body, 'created_at', v), label: `created_at=${v.slice(0, 60)}` };
    }
    case 'data': {
      const v = rng.pick(WRONG_DATA);
      return { bytes: withTopLevel(body, 'data', v), label: `data=${v}` };
    }
    case 'missing': {
      const field = rng.pick(['event', 'merchant', 'created_at', 'data']);
      const rest = { ...body };
      delete rest[field];
      return { bytes: Buffer.from(JSON.stringify(rest)), label: `without ${field}` };
    }
    case 'deep': {
      const depth = rng.pick([32, 100, 1_000, 10_000, 100_000, 300_000]);
      const [open, close] = rng.pick([
        ['[', ']'],
        ['{"a":', '}'],
      ] as const);
      const where = rng.pick(['data', 'field'] as const);
      const value = nested(depth, open, close);
      return {
        bytes:
          where === 'data'
            ? withTopLevel(body, 'data', `{"d":${value}}`)
            : withDataField(body, 'nest', value),
        label: `nesting ${open}×${depth} in ${where}`,
      };
    }
    case 'array': {
      const length = rng.pick([1_000, 50_000, 200_000]);
      const item = rng.pick(['0', '{}', '"x"', 'null', '[]']);
      return {
        bytes: withDataField(body, 'items', `[${Array.from({ length }, () => item).join(',')}]`),
        label: `array of ${length}×${item}`,
      };
    }
    case 'unicode': {
      const v = rng.pick(UNICODE_ESCAPED);
      const target = rng.pick(['data-field', 'data-key', 'event', 'created_at'] as const);
      if (target === 'data-key') {
        return {
          bytes: withDataField(body, JSON.parse(v) as string, '1'),
          label: `data key ${v.slice(0, 30)}`,
        };
      }
      if (target === 'data-field') {
        return { bytes: withDataField(body, 'note', v), label: `data.note=${v.slice(0, 30)}` };
      }
      return { bytes: withTopLevel(body, target, v), label: `${target}=${v.slice(0, 30)}` };
    }
    case 'nul': {
      const text = Buffer.from(JSON.stringify(body));
      const at = rng.int(0, text.length);
      const raw = rng.pick(INVALID_UTF8.concat([[0x00]]));
      return {
        bytes: Buffer.concat([text.subarray(0, at), Buffer.from(raw), text.subarray(at)]),
        label: `raw bytes ${raw.map((b) => b.toString(16)).join(' ')} at ${at}`,
      };
    }
    case 'dupkey': {
      const key = rng.pick(['event', 'merchant', 'created_at', 'data']);
      const other = rng.pick(['"customer.login"', '"order.created"', `"${store}"`, '1', 'null', '{}', '"x"']);
      const inner = JSON.stringify(body).slice(1, -1);
      const first = rng.chance(0.5);
      const text = first ? `{"${key}":${other},${inner}}` : `{${inner},"${key}":${other}}`;
      return { bytes: Buffer.from(text), label: `duplicate ${key}=${other} ${first ? 'first' : 'last'}` };
    }
    case 'number': {
      const v = rng.pick(EDGE_NUMBERS);
      const target = rng.pick(['data', 'merchant'] as const);
      return {
        bytes: target === 'merchant' ? withTopLevel(body, 'merchant', v) : withDataField(body, 'id', v),
        label: `${target === 'merchant' ? 'merchant' : 'data.id'}=${v}`,
      };
    }
    case 'proto': {
      const v = rng.pick(['{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', 'null', '"x"']);
      const key = rng.pick(['__proto__', 'constructor', 'prototype']);
      const where = rng.pick(['top', 'data'] as const);
      return {
        bytes: where === 'top' ? withTopLevel(body, key, v) : withDataField(body, key, v),
        label: `${where}.${key}=${v}`,
      };
    }
    case 'whitespace': {
      const pad = rng.pick([' ', '\n', '\t', '\r\n', '\ufeff', '\u00a0', '\u2028']);
      const text = rng.chance(0.5) ? JSON.stringify(body, null, 2) : JSON.stringify(body);
      const at = rng.pick(['start', 'end', 'both'] as const);
      const out = (at !== 'end' ? pad : '') + text + (at !== 'start' ? pad : '');
      return { bytes: Buffer.from(out), label: `whitespace ${JSON.stringify(pad)} at ${at}` };
    }
    case 'extra': {
      const value = rng.pick(['1', '"x"', 'null', '{"a":[1,2,3]}', '"\\u0000"']);
      return {
        bytes: withTopLevel(body, rng.pick(['extra', '', ' ', 'EVENT', 'Merchant']), value),
        label: 'extra key',
      };
    }
  }
}

/** Byte-level mutations of serialized JSON: bit flips, truncation, splices. */
export function mutateBytes(rng: Prng, original: Buffer): MutatedBody {
  const bytes = Buffer.from(original);
  const kind = rng.pick(['bitflip', 'truncate', 'insert', 'delete', 'duplicate', 'byte'] as const);
  switch (kind) {
    case 'bitflip': {
      const flips = rng.int(1, 8);
      for (let i = 0; i < flips; i++) bytes[rng.int(0, bytes.length - 1)] ^= 1 << rng.int(0, 7);
      return { bytes, label: `${flips} bit flip(s)` };
    }
    case 'truncate': {
      const at = rng.int(0, bytes.length - 1);
      return { bytes: bytes.subarray(0, at), label: `truncated at ${at}/${bytes.length}` };
    }
    case 'insert': {
      const at = rng.int(0, bytes.length);
      const extra = rng.bytes(rng.int(1, 16));
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), extra, bytes.subarray(at)]),
        label: `insert ${extra.length} random bytes at ${at}`,
      };
    }
    case 'delete': {
      const at = rng.int(0, bytes.length - 1);
      const n = rng.int(1, 32);
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + n)]),
        label: `delete ${n} bytes at ${at}`,
      };
    }
    case 'duplicate': {
      const at = rng.int(0, bytes.length - 1);
      const chunk = bytes.subarray(at, at + rng.int(1, 64));
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), chunk, bytes.subarray(at)]),
        label: `duplicate ${chunk.length} bytes at ${at}`,
      };
    }
    case 'byte': {
      const at = rng.int(0, bytes.length - 1);
      bytes[at] = rng.pick([0x00, 0x22, 0x5c, 0x7b, 0x7d, 0x2c, 0x3a, 0xff, 0x30]);
      return { bytes, label: `byte ${at} set to 0x${bytes[at].toString(16)}` };
    }
  }
}

/**
 * Bodies around the size limit: empty, 1 byte, and valid webhooks padded to exactly `limit - 1`, `limit`,
 * `limit + 1` bytes and 2 MiB (the last two must be refused with 413 whatever their signature).
 */
export function sizedBody(rng: Prng, body: Json, limit: number): MutatedBody {
  const target = rng.pick(['empty', 'one', 'under', 'at', 'over', 'double'] as const);
  if (target === 'empty') return { bytes: Buffer.alloc(0), label: 'empty body' };
  if (target === 'one') {
    const b = rng.pick(['{', ' ', '0', '"', '\u0000', '[']);
    return { bytes: Buffer.from(b), label: `1-byte body ${JSON.stringify(b)}` };
  }
  const size = { under: limit - 1, at: limit, over: limit + 1, double: 2 * 1024 * 1024 }[target];
  const skeleton = withDataField(body, 'pad', '""');
  const padding = size - skeleton.length;
  if (padding < 0) throw new Error('fixture larger than the size target');
  return {
    bytes: withDataField(body, 'pad', JSON.stringify('p'.repeat(padding))),
    label: `${size}-byte body (${target} the limit)`,
  };
}
