// The FerretDB binary, built with `go build` from tools/ferretdb into <infra>/bin.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, infraConfig } from './config.mjs';
import { run } from './proc.mjs';

const FERRET_SRC = path.join(REPO_ROOT, 'tools', 'ferretdb');

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function ferretSourcesMtime() {
  return Math.max(...['main.go', 'go.mod', 'go.sum'].map((f) => mtime(path.join(FERRET_SRC, f))));
}

/**
 * Path of the FerretDB binary, building it with `go build` when missing or older than tools/ferretdb sources.
 * Builds into a temp file and renames, so concurrent callers never see a half-written binary.
 */
export function ensureFerretBinary(overrides = {}) {
  const cfg = infraConfig(overrides);
  const bin = cfg.ferretBin;
  const srcTime = ferretSourcesMtime();
  if (srcTime === 0) throw new Error(`FerretDB sources not found in ${FERRET_SRC}`);
  if (mtime(bin) >= srcTime) return bin;
  cfg.log(`building FerretDB (go build in ${path.relative(REPO_ROOT, FERRET_SRC)}) -> ${bin}`);
  const started = Date.now();
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  try {
    run('go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, '.'], {
      cwd: FERRET_SRC,
      why: 'building tools/ferretdb (install Go >= 1.24)',
      env: { ...process.env, GOFLAGS: [process.env.GOFLAGS, '-mod=readonly'].filter(Boolean).join(' ') },
    });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  cfg.log(`built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}
