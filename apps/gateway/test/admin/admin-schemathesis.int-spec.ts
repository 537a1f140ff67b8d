import { spawnSync, spawn } from 'node:child_process';
import * as path from 'node:path';

import type { RunningService } from '@app/bootstrap';
import { integrationEnv } from '@app/testing';

import { bootAdminGateway, KEYS } from './admin-harness';

const SCRIPT = path.resolve(__dirname, '../../../../scripts/schemathesis.sh');

/** python3 with venv is what the script needs (it pip-installs schemathesis from PyPI into .infra/). */
function pythonVenvMissing(): string | null {
  const probe = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  return probe.status === 0 ? null : 'python3 with the venv and ensurepip modules is not available';
}

const missing = pythonVenvMissing();
const describeIfPython = missing ? describe.skip : describe;
if (missing) process.stderr.write(`admin schemathesis run SKIPPED: ${missing}\n`);

describeIfPython('admin API under schemathesis (generated from the OpenAPI document)', () => {
  const { kafkaBrokers, mongoUri } = integrationEnv();
  let gateway: RunningService;

  beforeAll(async () => {
    ({ gateway } = await bootAdminGateway(kafkaBrokers, mongoUri));
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('finds no 5xx on any operation, with an admin key', async () => {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [SCRIPT, gateway.url, KEYS.admin], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`schemathesis failed (exit ${code}):\n${output.join('').slice(-6000)}`);
  }, 600_000);
});
