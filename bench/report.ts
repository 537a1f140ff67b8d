// BENCHMARKS.md is shared by the benches: each one owns the part between its markers
// (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`) and rewrites only that, so running one bench keeps the others'
// figures. A section that is not there yet is appended.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

import { format, resolveConfig } from 'prettier';

export const ROOT = resolve(__dirname, '..');
export const REPORT = join(ROOT, 'BENCHMARKS.md');
const TITLE = '# Benchmarks';

/** Replaces the `name` section of BENCHMARKS.md with `body` (markdown without the markers), prettier-formatted. */
export async function writeSection(name: string, body: string): Promise<void> {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const current = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : `${TITLE}\n`;
  const section = `${open}\n\n${body.trim()}\n\n${close}`;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  let next: string;
  if (start >= 0 && end > start) {
    next = current.slice(0, start) + section + current.slice(end + close.length);
  } else if (start >= 0 || end >= 0) {
    throw new Error(`BENCHMARKS.md: the ${name} section markers are unbalanced; fix them by hand`);
  } else {
    next = `${current.trimEnd()}\n\n${section}\n`;
  }
  // Formatted like the rest of the repo, so `npm run lint` (prettier --check .) stays green.
  writeFileSync(REPORT, await format(next, { ...(await resolveConfig(REPORT)), filepath: REPORT }));
}

/** Machine lines for a report: CPUs, memory, Node/kafkajs/OS, and the broker. */
export function machine(kafka: string): string[] {
  const kafkajs = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as {
    version: string;
  };
  return [
    `- CPUs (nproc): ${os.availableParallelism()}, ${cpuModel()}`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}, kafkajs ${kafkajs.version}, ${os.type()} ${os.release()}`,
    `- Kafka: ${kafka}`,
  ];
}

export function cpuModel(): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
}
