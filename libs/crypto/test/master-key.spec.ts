import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { KeyCache, loadMasterKey, MasterKey, MasterKeyConfigError } from '../src';

const KEY = randomBytes(32).toString('base64');

describe('master key configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'master-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads MASTER_KEY (base64 of 32 bytes)', () => {
    const key = loadMasterKey({ MASTER_KEY: KEY });
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(loadMasterKey({ MASTER_KEY: ` ${KEY}\n` }).id).toBe(key.id);
  });

  it('reads the trimmed content of MASTER_KEY_FILE', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, `${KEY}\n`);
    expect(loadMasterKey({ MASTER_KEY_FILE: file }).id).toBe(loadMasterKey({ MASTER_KEY: KEY }).id);
  });

  it('different keys have different fingerprints', () => {
    expect(loadMasterKey({ MASTER_KEY: randomBytes(32).toString('base64') }).id).not.toBe(
      loadMasterKey({ MASTER_KEY: KEY }).id,
    );
  });

  const bad: Array<[string, Record<string, string | undefined>, RegExp]> = [
    ['neither is set', {}, /no master key: set MASTER_KEY .* or MASTER_KEY_FILE/],
    ['both are empty strings', { MASTER_KEY: '', MASTER_KEY_FILE: ' ' }, /no master key/],
    [
      'both are set',
      { MASTER_KEY: KEY, MASTER_KEY_FILE: '/run/secrets/mk' },
      /both MASTER_KEY and MASTER_KEY_FILE are set/,
    ],
    ['it is not base64', { MASTER_KEY: 'not base64 at all!' }, /MASTER_KEY is not valid base64/],
    ['it is 16 bytes', { MASTER_KEY: randomBytes(16).toString('base64') }, /exactly 32 bytes \(got 16\)/],
    ['it is 33 bytes', { MASTER_KEY: randomBytes(33).toString('base64') }, /exactly 32 bytes \(got 33\)/],
    ['it is hex, not base64', { MASTER_KEY: randomBytes(32).toString('hex') }, /exactly 32 bytes \(got 48\)/],
    [
      'the file is missing',
      { MASTER_KEY_FILE: '/nonexistent/master.key' },
      /MASTER_KEY_FILE \/nonexistent\/master.key cannot be read \(ENOENT\)/,
    ],
  ];

  it.each(bad)('refuses to start with a clear error when %s', (_label, env, message) => {
    let error: unknown;
    try {
      loadMasterKey(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MasterKeyConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('an empty key file is refused, naming the file', () => {
    const file = join(dir, 'empty.key');
    writeFileSync(file, '\n');
    expect(() => loadMasterKey({ MASTER_KEY_FILE: file })).toThrow(`MASTER_KEY_FILE ${file} is empty`);
  });

  it('error messages never echo the key', () => {
    const almost = randomBytes(31).toString('base64');
    expect(() => loadMasterKey({ MASTER_KEY: almost })).toThrow(MasterKeyConfigError);
    try {
      loadMasterKey({ MASTER_KEY: almost });
    } catch (e) {
      expect((e as Error).message).not.toContain(almost);
    }
  });

  it('a MasterKey prints and serialises as its fingerprint only', () => {
    const key = MasterKey.fromBase64(KEY);
    const raw = Buffer.from(KEY, 'base64');
    for (const shown of [inspect(key), JSON.stringify(key), String(Object.keys(key))]) {
      expect(shown).not.toContain(KEY);
      expect(shown).not.toContain(raw.toString('hex'));
    }
    expect(JSON.stringify(key)).toBe(`{"id":"${key.id}"}`);
  });
});

describe('KeyCache', () => {
  const entry = (keyId: string) => ({ keyId, key: {} as never });

  it('expires entries after the TTL', () => {
    let now = 0;
    const cache = new KeyCache(10, 60_000, () => now);
    cache.set('s1', entry('k1'));
    now = 59_999;
    expect(cache.get('s1')?.keyId).toBe('k1');
    now = 60_000;
    expect(cache.get('s1')).toBeUndefined();
  });

  it('is bounded and evicts the least recently used store first', () => {
    const cache = new KeyCache(2, 60_000);
    cache.set('a', entry('ka'));
    cache.set('b', entry('kb'));
    cache.get('a');
    cache.set('c', entry('kc'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.keyId).toBe('ka');
    expect(cache.get('c')?.keyId).toBe('kc');
  });

  it('a TTL of 0 disables caching', () => {
    const cache = new KeyCache(10, 0);
    cache.set('a', entry('ka'));
    expect(cache.get('a')).toBeUndefined();
  });
});
