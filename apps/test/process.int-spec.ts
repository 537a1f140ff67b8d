import { randomBytes } from 'node:crypto';

import {
  freePort,
  integrationEnv,
  type ServiceProcess,
  spawnService,
  uniqueName,
  waitFor,
} from '@app/testing';

/** Runs an app's real main.ts as its own process, the way a container would. */
const startApp = spawnService;

describe('a service process', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  const procs: ServiceProcess[] = [];
  afterAll(() => procs.forEach((p) => p.child.exitCode === null && p.child.kill('SIGKILL')));

  it('starts, reports ready, and on SIGTERM drains, closes and exits 0', async () => {
    const port = await freePort();
    const proc = startApp('odoo-connector', {
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_GROUP_ID: uniqueName('proc'),
      MONGODB_URI: mongoUri,
      MONGODB_DB: uniqueName('proc').replace(/-/g, '_'),
      MASTER_KEY: randomBytes(32).toString('base64'),
      OTEL_ENABLED: 'false',
    });
    procs.push(proc);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200,
      { timeoutMs: 90_000, intervalMs: 300, description: 'odoo-connector ready' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${proc.output()}`);
    });

    proc.child.kill('SIGTERM');
    const { code } = await proc.exited;
    expect(code).toBe(0);
    const lines = proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; level: string });
    const msgs = lines.map((l) => l.msg);
    expect(msgs).toContain('odoo-connector stopping');
    expect(msgs).toContain('odoo-connector stopped');
    expect(msgs.indexOf('odoo-connector stopped')).toBeGreaterThan(msgs.indexOf('odoo-connector stopping'));
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
  });

  it('refuses to start with an invalid environment and lists every problem', async () => {
    const proc = startApp('gateway', {
      HTTP_PORT: 'not-a-port',
      KAFKA_BROKERS: 'no port here',
      MONGODB_URI: 'postgres://wrong',
      LOG_LEVEL: 'loud',
    });
    procs.push(proc);
    const { code } = await proc.exited;
    expect(code).toBe(78);
    const out = proc.output();
    expect(out).toMatch(/gateway: refusing to start/);
    for (const name of ['HTTP_PORT', 'KAFKA_BROKERS', 'MONGODB_URI', 'LOG_LEVEL'])
      expect(out).toContain(name);
  });
});
