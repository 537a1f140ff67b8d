// Prints what test/support/progress-reporter.js recorded: failed files, files that started and never ended
// (what a CI time limit cut off), and the slowest files. Last in CI's output, where a reader looks first.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) process.exit(0);
const events = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
const ended = new Map(events.filter((e) => e.event === 'end').map((e) => [e.file, e]));
const unfinished = events.filter((e) => e.event === 'start' && !ended.has(e.file));
const done = [...ended.values()];

console.log(`\n=== test files: ${done.length} ended, ${unfinished.length} unfinished`);
for (const e of unfinished) console.log(`unfinished (started ${e.at}): ${e.file}`);
for (const e of done.filter((d) => d.failed.length > 0 || d.error)) {
  console.log(`FAILED ${e.file} (${e.seconds.toFixed(1)} s, ended ${e.at})`);
  for (const name of e.failed) console.log(`  - ${name}`);
  if (e.error) console.log(`  ! ${e.error}`);
}
const slowest = done.sort((a, b) => b.seconds - a.seconds).slice(0, 12);
console.log('slowest:');
for (const e of slowest) console.log(`${e.seconds.toFixed(1).padStart(8)} s  ${e.file}`);
