#!/usr/bin/env node
// Builds every app and lib in one TypeScript pass (libs compile once, not once per app as `nest build <app>`
// would), then rewrites the `@app/<lib>` aliases in the emitted JavaScript into relative requires so plain
// `node dist/apps/<name>/src/main.js` runs without a path-mapping hook.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const aliases = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths)
    .filter(([, [target]]) => target.startsWith('libs/') || target.startsWith('tools/'))
    .map(([alias, [target]]) => [alias, join(dist, target, 'index.js')]),
);

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
    '--outDir',
    'dist',
    '--rootDir',
    '.',
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* jsFiles(p);
    else if (p.endsWith('.js')) yield p;
  }
}

const pattern = /require\("(@app\/[a-z-]+)"\)/g;
let rewritten = 0;
for (const file of jsFiles(dist)) {
  const src = readFileSync(file, 'utf8');
  const out = src.replace(pattern, (whole, alias) => {
    const target = aliases[alias];
    if (!target) throw new Error(`${relative(root, file)}: unknown alias ${alias}`);
    let rel = relative(dirname(file), target).replace(/\\/g, '/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require("${rel}")`;
  });
  if (out !== src) {
    writeFileSync(file, out);
    rewritten++;
  }
}
console.log(`built dist/ (${rewritten} files had @app/* aliases rewritten)`);
