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
    // A run whose only errors are dropped connections ("Connection reset by peer", seen intermittently on
    // random operations, never a 5xx — an open defect, see the session note) is run again, up to three times;
    // a 5xx or any failed check fails at once.
    let last = '';
    for (let run = 1; run <= 3; run++) {
      const { code, output } = await runSchemathesis(gateway.url);
      if (code === 0) return;
      last = output;
      const onlyResets =
        /not_a_server_error\s+(\d+) \/ \1 passed/.test(output) &&
        !/FAILURES/.test(output) &&
        /Connection reset by peer/.test(output);
      if (!onlyResets) break;
      process.stderr.write(`schemathesis run ${run}: only connection resets, running again\n`);
    }
    throw new Error(`schemathesis failed:\n${last.slice(-6000)}`);
  }, 600_000);
});

function runSchemathesis(url: string): Promise<{ code: number | null; output: string }> {
  const output: string[] = [];
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT, url, KEYS.admin], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
    child.on('close', (code) => resolve({ code, output: output.join('') }));
  });
}
