import { Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

import { JsonLogger, shutdownTelemetry, startTelemetry, withStoreContext } from '../src';

/** Captures what the logger writes to the real stdout. */
function captureStdout(): {
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
  restore: () => void;
} {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

describe('JsonLogger', () => {
  let out: ReturnType<typeof captureStdout>;
  const savedLevel = process.env['LOG_LEVEL'];

  beforeAll(() => {
    startTelemetry({ serviceName: 'logger-test', enabled: true });
  });
  afterAll(async () => {
    await shutdownTelemetry();
  });
  beforeEach(() => {
    delete process.env['LOG_LEVEL'];
    out = captureStdout();
  });
  afterEach(() => {
    out.restore();
    if (savedLevel === undefined) delete process.env['LOG_LEVEL'];
    else process.env['LOG_LEVEL'] = savedLevel;
  });

  it('writes one JSON object per line with time, level, service, context, msg and fields', () => {
    const logger = new JsonLogger({ service: 'gateway' });
    logger.log('webhook accepted', 'WebhookController');
    logger.warn({ msg: 'slow Odoo call', durationMs: 2300 }, 'OdooClient');
    const [first, second] = out.lines();
    expect(first).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      service: 'gateway',
      context: 'WebhookController',
      msg: 'webhook accepted',
    });
    expect(second).toMatchObject({
      level: 'warn',
      context: 'OdooClient',
      msg: 'slow Odoo call',
      durationMs: 2300,
    });
    expect(out.raw().split('\n')).toHaveLength(3);
  });

  it('takes the service name from the running telemetry when none is given', () => {
    new JsonLogger().log('hello');
    expect(out.lines()[0]).toMatchObject({ service: 'logger-test' });
  });

  it('adds the store id of the surrounding withStoreContext, across awaits; an explicit one wins', async () => {
    const logger = new JsonLogger({ service: 's' });
    await withStoreContext(1234, async () => {
      await new Promise((r) => setImmediate(r));
      logger.log('inside');
      logger.log('explicit', { storeId: 99 });
    });
    logger.log('outside');
    const [inside, explicit, outside] = out.lines();
    expect(inside).toMatchObject({ msg: 'inside', storeId: '1234' });
    expect(explicit).toMatchObject({ msg: 'explicit', storeId: '99' });
    expect(outside).not.toHaveProperty('storeId');
  });

  it('adds traceId and spanId of the active span', () => {
    const logger = new JsonLogger({ service: 's' });
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.log('traced');
      const { traceId, spanId } = span.spanContext();
      span.end();
      expect(out.lines()[0]).toMatchObject({ traceId, spanId });
    });
    logger.log('untraced');
    expect(out.lines()[1]).not.toHaveProperty('traceId');
  });

  it('respects LOG_LEVEL', () => {
    process.env['LOG_LEVEL'] = 'warn';
    const logger = new JsonLogger({ service: 's' });
    logger.debug('no');
    logger.log('no');
    logger.warn('yes');
    logger.error('yes');
    logger.fatal('yes');
    expect(out.lines().map((l) => l['level'])).toEqual(['warn', 'error', 'fatal']);
  });

  it('maps Nest verbose to trace and honours setLogLevels', () => {
    const logger = new JsonLogger({ service: 's', level: 'trace' });
    logger.verbose('v');
    logger.setLogLevels(['error']);
    logger.warn('dropped');
    logger.error('kept');
    expect(out.lines().map((l) => l['level'])).toEqual(['trace', 'error']);
  });

  it('writes errors as name, message and stack, following Nest calling conventions', () => {
    const logger = new JsonLogger({ service: 's', context: 'Default' });
    const err = new RangeError('out of range');
    logger.error('publish failed', err);
    logger.error('nest style', err.stack, 'ExceptionsHandler');
    logger.error(err);
    const [a, b, c] = out.lines();
    expect(a).toMatchObject({
      msg: 'publish failed',
      context: 'Default',
      err: { name: 'RangeError', message: 'out of range' },
    });
    expect((a['err'] as Record<string, string>)['stack']).toContain('RangeError: out of range');
    expect(b).toMatchObject({ msg: 'nest style', context: 'ExceptionsHandler', err: { stack: err.stack } });
    expect(c).toMatchObject({ msg: 'out of range', err: { name: 'RangeError' } });
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const logger = new JsonLogger({ service: 's' });
    Logger.overrideLogger(logger);
    try {
      new Logger('OrdersService').log({ msg: 'order synced', orderId: 7 });
    } finally {
      Logger.overrideLogger(true);
    }
    expect(out.lines()[0]).toMatchObject({ context: 'OrdersService', msg: 'order synced', orderId: 7 });
  });

  it('never lets a token, an Authorization header, an Odoo API key or a signature reach stdout', () => {
    const logger = new JsonLogger({ service: 'gateway' });
    const token = 'ory_at_Zx9Qw8Lk7Jh6Gf5Ds4Ap3';
    const odooKey = '3c2f0b5e9a1d4c7b8e6f2a0d9c1b4e7f';
    const signature = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

    logger.log('token refreshed', { storeId: 1, accessToken: token, refresh_token: 'ory_rt_refresh-secret' });
    logger.log({
      msg: 'incoming webhook',
      headers: {
        authorization: `Bearer ${token}`,
        'x-salla-signature': signature,
        'content-type': 'application/json',
      },
    });
    logger.warn(`retrying with header Authorization: Bearer ${token}`);
    logger.error('odoo call failed', {
      odoo: { url: 'https://erp.example.com', db: 'prod', apiKey: odooKey },
      request: {
        service: 'object',
        method: 'execute_kw',
        args: ['prod', 2, odooKey, 'sale.order', 'create', [{}]],
      },
    });
    logger.error('signature mismatch', new Error(`expected signature=${signature} got something else`));
    logger.debug('kafka headers', { headers: { 'x-salla-signature': Buffer.from(signature) } });

    const written = out.raw();
    expect(out.lines()).toHaveLength(5); // debug is below the default level
    for (const secret of [token, 'ory_rt_refresh-secret', odooKey, signature])
      expect(written).not.toContain(secret);
    expect(written).toContain('[REDACTED]');
    expect(written).toContain('https://erp.example.com');
  });
});
