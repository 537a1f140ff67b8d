import { isSecretKey, redact, REDACTED, redactString } from '../src';

describe('redact', () => {
  it('replaces the value of every secret-named key, whatever its spelling', () => {
    const keys = [
      'token',
      'access_token',
      'accessToken',
      'refresh_token',
      'secret',
      'webhookSecret',
      'password',
      'api_key',
      'apikey',
      'odooApiKey',
      'Authorization',
      'signature',
      'x-salla-signature',
      'cookie',
      'Set-Cookie',
      'master_key',
      'MASTER_KEY',
      'client_secret',
      'privateKey',
      'dataKey',
      'wrappedKey',
      'keyMaterial',
      'dek',
    ];
    const input = Object.fromEntries(keys.map((k) => [k, `value-of-${k}`]));
    const out = redact(input) as Record<string, unknown>;
    for (const k of keys) expect(out[k]).toBe(REDACTED);
    expect(JSON.stringify(out)).not.toContain('value-of-');
  });

  it('keeps ordinary keys, including the Kafka message key and ids', () => {
    const out = redact({ key: '42', storeId: 42, orderId: 'o-1', eventId: 'e', idempotencyKey: 'k' });
    expect(out).toEqual({ key: '42', storeId: 42, orderId: 'o-1', eventId: 'e', idempotencyKey: 'k' });
    for (const k of ['key', 'storeId', 'traceId', 'topic', 'partition']) expect(isSecretKey(k)).toBe(false);
  });

  it('keeps null, undefined and booleans under secret keys (they carry no secret and help debugging)', () => {
    expect(redact({ accessToken: null, refreshToken: undefined, signatureValid: true })).toEqual({
      accessToken: null,
      refreshToken: undefined,
      signatureValid: true,
    });
  });

  it('hides a whole object held under a secret key', () => {
    expect(redact({ credentials: { user: 'u', pass: 'p' } })).toEqual({ credentials: REDACTED });
  });

  it('scrubs bearer tokens and Authorization headers inside strings', () => {
    expect(redactString('Bearer abc')).toBe(`Bearer ${REDACTED}`);
    expect(redactString('request failed: Authorization: Basic dXNlcjpwYXNz')).toBe(
      `request failed: Authorization: ${REDACTED}`,
    );
    expect(redactString('sent with authorization=Bearer eyJabc.def')).not.toContain('eyJabc');
    expect(redactString('GET /oauth?access_token=abc123&store=1')).toBe(
      `GET /oauth?access_token=${REDACTED}&store=1`,
    );
    expect(redactString('{"refresh_token":"r-1","ok":true}')).toBe(
      `{"refresh_token":"${REDACTED}","ok":true}`,
    );
    expect(redactString('mongodb://app:hunter2@127.0.0.1:27017/db')).toBe(
      `mongodb://app:${REDACTED}@127.0.0.1:27017/db`,
    );
    expect(redactString('token ory_at_AbC123.xyz for store 1')).toBe(`token ${REDACTED} for store 1`);
  });

  it('is idempotent and leaves ordinary text alone', () => {
    const once = redactString('Authorization: Bearer abc, then api_key=xyz');
    expect(redactString(once)).toBe(once);
    expect(redactString('order 42 synced to Odoo in 120 ms')).toBe('order 42 synced to Odoo in 120 ms');
  });

  it('hides the positional API key of an Odoo JSON-RPC call', () => {
    const body = {
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['db', 2, 'odoo-key-123', 'res.partner', 'search', []],
      },
    };
    const out = redact(body) as { params: { args: unknown[] } };
    expect(out.params.args).toEqual(['db', 2, REDACTED, 'res.partner', 'search', []]);
  });

  it('handles cycles, Buffers, arrays, Maps, Dates and raw header lists', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    const shared = { x: 1 };
    const out = redact({
      a,
      twice: [shared, shared],
      buf: Buffer.from('secret bytes'),
      when: new Date(0),
      map: new Map([['password', 'p']]),
      rawHeaders: ['Content-Type', 'application/json', 'Authorization', 'Basic dXNlcjpwYXNz'],
    }) as Record<string, unknown>;
    expect(out['a']).toEqual({ name: 'a', self: '[Circular]' });
    expect(out['twice']).toEqual([{ x: 1 }, { x: 1 }]);
    expect(out['buf']).toBe('[Buffer 12 bytes]');
    expect(out['when']).toBe('1970-01-01T00:00:00.000Z');
    expect(out['map']).toEqual({ password: REDACTED });
    expect(out['rawHeaders']).toEqual(['Content-Type', 'application/json', 'Authorization', REDACTED]);
  });

  it('turns Errors into name, message, stack, own fields and cause, all scrubbed', () => {
    const cause = new Error('upstream said Bearer abc');
    const err = Object.assign(new TypeError('failed for token=t-1', { cause }), { code: 'E_X', apiKey: 'k' });
    const out = redact(err) as Record<string, unknown>;
    expect(out['name']).toBe('TypeError');
    expect(out['message']).toBe(`failed for token=${REDACTED}`);
    expect(out['stack']).toContain('TypeError');
    expect(out['code']).toBe('E_X');
    expect(out['apiKey']).toBe(REDACTED);
    expect((out['cause'] as Record<string, unknown>)['message']).toBe(`upstream said Bearer ${REDACTED}`);
    expect(JSON.stringify(out)).not.toMatch(/t-1|Bearer abc/);
  });

  it('never mutates its input', () => {
    const input = { token: 't', nested: { password: 'p' } };
    redact(input);
    expect(input).toEqual({ token: 't', nested: { password: 'p' } });
  });

  it('survives a throwing getter', () => {
    const nasty = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(redact(nasty)).toEqual({ boom: '[Unreadable]' });
  });
});
