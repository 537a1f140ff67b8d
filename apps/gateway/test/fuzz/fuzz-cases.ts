import { deflateSync, gzipSync } from 'node:zlib';

import type { Fixture } from '../support/webhook-harness';
import { withMerchant } from '../support/webhook-harness';

import { type AuthHeaders, authHeaders, type RawHeaders } from './auth-mutations';
import { mutateBytes, mutateStructure, type MutatedBody, sizedBody } from './body-mutations';
import { Prng } from './prng';

export type CaseKind = 'valid' | 'auth' | 'structure' | 'bytes' | 'content' | 'size' | 'route' | 'replay';

/** One fuzz request, fully determined by (seed, index, run context). */
export interface FuzzCase {
  index: number;
  kind: CaseKind;
  /** What was done, for the failure report. */
  label: string;
  method: string;
  path: string;
  headers: RawHeaders;
  body: Buffer;
  /**
   * The auth headers authenticate exactly these body bytes with the real secret. Only such requests may ever
   * be answered `accepted` and reach Kafka.
   */
  authentic: boolean;
  /** For `replay`: the earlier case whose exact request is sent again. */
  replayOf?: number;
}

export interface FuzzContext {
  seed: number;
  secret: string;
  /** Run-unique token put in every body, so no two runs (even with one seed) send the same bytes. */
  runToken: string;
  stores: readonly string[];
  fixtures: readonly Fixture[];
  bodyLimit: number;
}

const WEBHOOK_PATH = '/webhooks/salla';

/** A fixture for one of the fuzz's stores, made unique by a `fuzz` key (ignored by the gateway). */
function baseBody(
  rng: Prng,
  ctx: FuzzContext,
  index: number,
): { bytes: Buffer; store: string; fixture: Fixture } {
  const fixture = rng.pick(ctx.fixtures);
  const store = rng.pick(ctx.stores);
  const text = withMerchant(fixture.bytes, store).toString('utf8');
  const open = text.indexOf('{');
  const bytes = Buffer.from(
    `${text.slice(0, open + 1)}"fuzz":"${ctx.runToken}-${index}",${text.slice(open + 1)}`,
  );
  return { bytes, store, fixture };
}

function jsonHeaders(): RawHeaders {
  return [['content-type', 'application/json']];
}

/** Signs `body` validly most of the time (to reach the parser), else signs the pre-mutation bytes. */
function signMutated(
  rng: Prng,
  ctx: FuzzContext,
  before: Buffer,
  mutated: MutatedBody,
): { auth: AuthHeaders; authentic: boolean } {
  const signAfter = rng.chance(0.8);
  const auth = authHeaders(rng, signAfter ? mutated.bytes : before, ctx.secret, signAfter);
  const bodyUnchanged = signAfter || before.equals(mutated.bytes);
  return { auth, authentic: auth.authentic && (bodyUnchanged || isTokenAuth(auth)) };
}

/** Token auth does not depend on the body: the secret alone authenticates any bytes. */
function isTokenAuth(auth: AuthHeaders): boolean {
  return auth.authentic && auth.label.startsWith('token');
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=UTF-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json, text/plain',
  'ü/ü',
  'application/vnd.api+json',
  'application/jsonx',
  '',
  ';',
  'json',
];

/** Case `index` of the run: the same inputs always give the same request. */
export function generateCase(ctx: FuzzContext, index: number): FuzzCase {
  const rng = Prng.forCase(ctx.seed, index);
  const kind = rng.weighted<CaseKind>([
    [8, 'valid'],
    [22, 'auth'],
    [30, 'structure'],
    [15, 'bytes'],
    [10, 'content'],
    [3, 'size'],
    [5, 'route'],
    [7, 'replay'],
  ]);
  const base = baseBody(rng, ctx, index);
  const parsed = JSON.parse(base.bytes.toString('utf8')) as Record<string, unknown>;
  const post = (
    body: Buffer,
    auth: AuthHeaders,
    authentic: boolean,
    label: string,
    headers = jsonHeaders(),
  ): FuzzCase => ({
    index,
    kind,
    label: `${label}; auth: ${auth.label}`,
    method: 'POST',
    path: WEBHOOK_PATH,
    headers: [...headers, ...auth.headers],
    body,
    authentic,
  });

  switch (kind) {
    case 'valid': {
      const auth = authHeaders(rng, base.bytes, ctx.secret, true);
      return post(base.bytes, auth, true, `${base.fixture.name} as sent by Salla`);
    }
    case 'auth': {
      const auth = authHeaders(rng, base.bytes, ctx.secret, false);
      return post(base.bytes, auth, auth.authentic, base.fixture.name);
    }
    case 'structure':
    case 'bytes': {
      const mutated =
        kind === 'structure' ? mutateStructure(rng, parsed, base.store) : mutateBytes(rng, base.bytes);
      const { auth, authentic } = signMutated(rng, ctx, base.bytes, mutated);
      return post(mutated.bytes, auth, authentic, `${base.fixture.name}: ${mutated.label}`);
    }
    case 'content': {
      const encoding = rng.weighted<string>([
        [6, 'none'],
        [1, 'gzip'],
        [1, 'deflate'],
        [1, 'gzip-plain'],
        [1, 'garbage'],
      ]);
      let body = base.bytes;
      const headers: RawHeaders = [];
      const contentType = rng.chance(0.15) ? 'none' : rng.pick(CONTENT_TYPES);
      if (contentType !== 'none') headers.push(['Content-Type', contentType]);
      if (encoding === 'gzip') body = gzipSync(body);
      if (encoding === 'deflate') body = deflateSync(body);
      if (encoding !== 'none') {
        const value = {
          gzip: 'gzip',
          deflate: 'deflate',
          'gzip-plain': 'gzip',
          garbage: rng.pick(['br, x', 'identity;q=x', 'ü', 'gzip, gzip']),
        }[encoding]!;
        headers.push(['Content-Encoding', value]);
      }
      const auth = authHeaders(rng, body, ctx.secret, rng.chance(0.8));
      return post(
        body,
        auth,
        auth.authentic,
        `${base.fixture.name}; content-type ${contentType}; encoding ${encoding}`,
        headers,
      );
    }
    case 'size': {
      const sized = sizedBody(rng, parsed, ctx.bodyLimit);
      const auth = authHeaders(rng, sized.bytes, ctx.secret, true);
      return post(sized.bytes, auth, true, sized.label);
    }
    case 'route': {
      const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'POST', 'POST', 'POST']);
      const path =
        method === 'POST'
          ? rng.pick([
              '/webhooks/salla/',
              '/webhooks/SALLA',
              '/webhooks/salla?x=1',
              '/webhooks//salla',
              '/webhooks/salla%00',
              '/webhooks/salla/../salla',
              '/webhooks',
              '/',
              `/webhooks/${'a'.repeat(8_000)}`,
              '/webhooks/salla#x',
              '/webhooks/salla?__proto__[x]=1',
              '/webhooks/%E0%A4%A',
              '/webhooks/salla;x',
            ])
          : WEBHOOK_PATH;
      const auth = authHeaders(rng, base.bytes, ctx.secret, true);
      const withBody = method !== 'GET' && method !== 'HEAD';
      return {
        ...post(withBody ? base.bytes : Buffer.alloc(0), auth, true, `${method} ${path.slice(0, 60)}`),
        method,
        path,
      };
    }
    case 'replay': {
      // Far enough back that it was sent long ago; the runner still waits for its answer first.
      const earlier = index - rng.int(64, 512);
      if (earlier < 0) {
        const auth = authHeaders(rng, base.bytes, ctx.secret, true);
        return post(base.bytes, auth, true, `${base.fixture.name} (nothing to replay yet)`);
      }
      const original = generateCase(ctx, earlier);
      return {
        ...original,
        index,
        kind,
        label: `replay of #${earlier} (${original.label})`,
        replayOf: earlier,
      };
    }
  }
}
