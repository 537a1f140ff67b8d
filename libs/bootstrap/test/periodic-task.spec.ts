import { setTimeout as sleep } from 'node:timers/promises';

import { PeriodicTask } from '../src/periodic-task';

function recordingLogger(): { warn(m: unknown): void; warnings: unknown[] } {
  const warnings: unknown[] = [];
  return { warnings, warn: (m) => void warnings.push(m) };
}

describe('PeriodicTask', () => {
  it('runs one pass at a time: a tick during a pass joins it, the next one after it starts anew', async () => {
    let passes = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const task = new PeriodicTask(
      async () => {
        passes += 1;
        if (passes === 1) await gate;
      },
      { name: 'test pass', everyMs: 1000, logger: recordingLogger() },
    );
    const first = task.runNow();
    expect(task.runNow()).toBe(first);
    release();
    await first;
    expect(passes).toBe(1);
    await task.runNow();
    expect(passes).toBe(2);
  });

  it('logs a failed pass by name instead of rejecting, and runs again on the next tick', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const task = new PeriodicTask(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('mongo down')) : Promise.resolve();
      },
      { name: 'claim sweep', everyMs: 20, logger },
    );
    await expect(task.runNow()).resolves.toBeUndefined();
    expect(logger.warnings).toEqual([
      expect.objectContaining({ msg: 'claim sweep failed; the next tick tries again' }),
    ]);
    task.start();
    await sleep(70);
    await task.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('stop() waits for the pass under way and no tick follows', async () => {
    let finished = false;
    let calls = 0;
    const task = new PeriodicTask(
      async () => {
        calls += 1;
        await sleep(50);
        finished = true;
      },
      { name: 'slow pass', everyMs: 10, logger: recordingLogger() },
    );
    task.start();
    task.start(); // idempotent: still one timer
    await sleep(15);
    await task.stop();
    expect(finished).toBe(true);
    const after = calls;
    await sleep(40);
    expect(calls).toBe(after);
  });
});
