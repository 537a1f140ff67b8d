import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hooks, no lease release, no commit — a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Runs an app's real main.ts as its own process, the way a container would (ts-node, no build needed). */
export function spawnService(app: string, env: Record<string, string>): ServiceProcess {
  let out = '';
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(ROOT, 'apps', app, 'src/main.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        // ts-node's v8-compile-cache-lib keeps one code cache in the OS temp dir for every process; several
        // services starting at once wrote it concurrently and one crashed in V8 deserialising a torn blob.
        DISABLE_V8_COMPILE_CACHE: '1',
        ...env,
      },
      stdio: 'pipe',
    },
  );
  // SERVICE_LOG_DIR: also append each service's output to <dir>/<app>-<pid>.log, to read a bench's or a
  // long test's service logs while it runs (kept in memory otherwise, for failure messages).
  const logDir = process.env.SERVICE_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const collect = (d: unknown) => {
    out += String(d);
    if (logDir) appendFileSync(join(logDir, `${app}-${child.pid}.log`), String(d));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal })),
  );
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, output: () => out, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
