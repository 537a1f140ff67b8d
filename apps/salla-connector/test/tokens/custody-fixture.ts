import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { CryptoService, loadMasterKey, registerKeyringModel } from '@app/crypto';
import { MongoConnection } from '@app/persistence';
import { integrationEnv, type FakeSallaOAuth } from '@app/testing';

import { createTokenCustody, type TokenCustodyOptions, type TokenCustodyParts } from '../../src/tokens';

export const CLIENT_ID = 'client-under-test';
export const CLIENT_SECRET = `secret-${randomBytes(12).toString('hex')}`;
export const REDIRECT_URI = 'http://127.0.0.1/oauth/salla/callback';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One "service instance": its own mongoose connection and CryptoService, the shared keyring and master key. */
export interface Instance {
  mongo: MongoConnection;
  crypto: CryptoService;
}

/** The deployment's master key: every instance of every service holds the same one. */
const masterKey = loadMasterKey({ MASTER_KEY: randomBytes(32).toString('base64') });

/** Opens `count` instances on `dbName`, sharing the keyring database `keyringDb` and the master key. */
export function openInstances(count: number, dbName: string, keyringDb: string): Instance[] {
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const mongo = new MongoConnection({ uri: integrationEnv().mongoUri, dbName, logger: quiet });
    const crypto = new CryptoService(registerKeyringModel(mongo, keyringDb), masterKey, { logger: quiet });
    instances.push({ mongo, crypto });
  }
  return instances;
}

/** Log lines a custody wrote, serialised, to check that no secret reached them. */
export class CapturedLog {
  readonly lines: string[] = [];
  readonly logger = {
    log: (m: unknown) => this.lines.push(JSON.stringify(m)),
    warn: (m: unknown) => this.lines.push(JSON.stringify(m)),
    error: (m: unknown) => this.lines.push(JSON.stringify(m)),
  };
}

/** A custody per instance with the given options; models are registered, then every connection is ready. */
export async function custodies(
  instances: Instance[],
  options: Omit<TokenCustodyOptions, 'instanceId' | 'clientId' | 'clientSecret'> &
    Partial<Pick<TokenCustodyOptions, 'clientSecret'>>,
): Promise<TokenCustodyParts[]> {
  const parts = instances.map((inst, i) =>
    createTokenCustody(inst.mongo, inst.crypto, {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      instanceId: `instance-${i}`,
      ...options,
    }),
  );
  await Promise.all(
    instances.map(async ({ mongo }) => {
      mongo.start();
      await mongo.whenReady(20_000);
    }),
  );
  return parts;
}

/** Tokens for `merchantId` as the fake issues them on install (a code exchange), refresh token included. */
export async function installTokens(
  fake: FakeSallaOAuth,
  merchantId: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await fetch(`${fake.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: fake.issueCode(merchantId),
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: REDIRECT_URI,
    }).toString(),
  });
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** The refresh requests the fake token endpoint received (code exchanges of the test setup excluded). */
export function refreshCalls(fake: FakeSallaOAuth): Array<Record<string, string>> {
  return fake.calls
    .filter((c) => c.path === '/oauth2/token' && c.form?.grant_type === 'refresh_token')
    .map((c) => c.form ?? {});
}

/**
 * A token endpoint on 127.0.0.1 that records each request's form and then either never answers ('hang', a
 * Salla that swallowed the request) or answers a fixed status and body.
 */
export interface ScriptedTokenEndpoint {
  url: string;
  received: Array<Record<string, string>>;
  close(): Promise<void>;
}

export async function startScriptedTokenEndpoint(
  behaviour: 'hang' | { status: number; body: unknown },
): Promise<ScriptedTokenEndpoint> {
  const received: Array<Record<string, string>> = [];
  const sockets = new Set<Socket>();
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
      if (behaviour === 'hang') {
        held.push(res);
        return;
      }
      res
        .writeHead(behaviour.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(behaviour.body));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth2`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
