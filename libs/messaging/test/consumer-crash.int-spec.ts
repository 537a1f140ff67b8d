import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EventPublisher, ensureTopics, newEnvelope } from '@app/messaging';
import { uniqueName, waitFor } from '@app/testing';

import {
  brokers,
  committedOffsets,
  endOffsets,
  quietLogger,
  testKafka,
  testTopicSpecs,
  TEST_TYPE,
  waitUntilFullyCommitted,
} from './support/kafka-test-kit';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, 'fixtures', 'crash-consumer.ts');

interface Line {
  pid: number;
  partition: number;
  offset: bigint;
  id: string;
}

function readLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [pid, partition, offset, id] = l.split(' ');
      return { pid: Number(pid), partition: Number(partition), offset: BigInt(offset), id };
    });
}

function startConsumerProcess(env: Record<string, string>): {
  child: ChildProcess;
  running: Promise<void>;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', FIXTURE],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('running')) resolve();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`consumer process exited (${code ?? signal}) before running: ${stderr}`)),
    );
  });
  running.catch(() => undefined);
  return { child, running, exited };
}

describe('a consumer process killed mid-stream and restarted (real Kafka, SIGKILL)', () => {
  const kafka = testKafka('crash');
  const publisher = new EventPublisher(kafka);
  const children: ChildProcess[] = [];

  const workDir = mkdtempSync(join(tmpdir(), 'crash-consumer-'));

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await publisher.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('loses no message: every event is handled at least once across both runs, and nothing was committed before it was handled', async () => {
    const topic = uniqueName('crash');
    const groupId = uniqueName('crash-group');
    const outFile = join(workDir, 'handled.log');
    await ensureTopics(kafka, testTopicSpecs(topic, 3), { logger: quietLogger });

    const total = 300;
    const ids: string[] = [];
    for (let i = 0; i < total; i += 30) {
      await Promise.all(
        Array.from({ length: 30 }, (_, j) => {
          const seq = i + j;
          const envelope = newEnvelope(TEST_TYPE, `store-${seq % 7}`, { name: 'n', seq });
          ids.push(envelope.id);
          return publisher.publish(topic, envelope, { key: envelope.storeId });
        }),
      );
    }
    const env = {
      BROKERS: brokers().join(','),
      TOPIC: topic,
      GROUP: groupId,
      OUT_FILE: outFile,
      HANDLER_DELAY_MS: '10',
    };

    // Run 1: killed without warning once it is well into the stream.
    const first = startConsumerProcess(env);
    children.push(first.child);
    await first.running;
    await waitFor(() => readLines(outFile).length >= 60, {
      timeoutMs: 30_000,
      description: '60 events handled',
    });
    first.child.kill('SIGKILL');
    await first.exited;

    const handledBeforeKill = readLines(outFile);
    expect(handledBeforeKill.length).toBeLessThan(total); // it really died mid-stream
    const committedAtKill = await committedOffsets(kafka, groupId, topic);
    // No offset was committed past a message whose handler had not finished (recorded) before the kill.
    const committedButNotHandled: string[] = [];
    for (const [partition, committed] of committedAtKill) {
      const done = new Set(handledBeforeKill.filter((l) => l.partition === partition).map((l) => l.offset));
      for (let o = 0n; o < committed; o += 1n)
        if (!done.has(o)) committedButNotHandled.push(`${partition}@${o}`);
    }
    expect(committedButNotHandled).toEqual([]);
    expect([...committedAtKill.values()].some((o) => o > 0n)).toBe(true);

    // Run 2: same group, picks up from the committed offsets.
    const second = startConsumerProcess(env);
    children.push(second.child);
    await second.running;
    await waitFor(() => new Set(readLines(outFile).map((l) => l.id)).size >= total, {
      timeoutMs: 40_000,
      description: 'all events handled across both runs',
    });
    await waitUntilFullyCommitted(kafka, groupId, topic);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const lines = readLines(outFile);
    const handledIds = new Set(lines.map((l) => l.id));
    expect(ids.filter((id) => !handledIds.has(id))).toEqual([]);
    // Redelivery is limited to what was in flight / uncommitted at the kill, not the whole stream.
    expect(lines.length - total).toBeLessThan(30);
    expect(new Set(lines.map((l) => l.pid)).size).toBe(2);
    const end = await endOffsets(kafka, topic);
    expect([...end.values()].reduce((a, b) => a + b, 0n)).toBe(BigInt(total));
  });
});
