import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Every environment class: the shared base and each app's `*.env.ts`. */
function envFiles(): string[] {
  const apps = readdirSync(join(ROOT, 'apps'), { withFileTypes: true }).filter((d) => d.isDirectory());
  const perApp = apps.flatMap((app) => {
    const src = join(ROOT, 'apps', app.name, 'src');
    try {
      return readdirSync(src)
        .filter((f) => f.endsWith('.env.ts'))
        .map((f) => join(src, f));
    } catch {
      return [];
    }
  });
  return [join(ROOT, 'libs', 'config', 'src', 'base-env.ts'), ...perApp];
}

/** Upper-case properties of an env class (`NAME = default`, `NAME?: type`, `NAME!: type`). */
function variablesIn(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+)[?!]?\s*[:=]/gm)].map((m) => m[1]);
}

// The README is how an operator learns a setting exists: one that is read but not documented is a setting
// nobody can use on purpose.
describe('README environment tables', () => {
  it('document every variable a service reads', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const files = envFiles();
    expect(files.length).toBeGreaterThanOrEqual(5);
    const undocumented = files.flatMap((f) =>
      variablesIn(f)
        .filter((name) => !readme.includes(`| \`${name}\``))
        .map((name) => `${name} (${f.slice(ROOT.length + 1)})`),
    );
    expect(undocumented).toEqual([]);
  });
});
