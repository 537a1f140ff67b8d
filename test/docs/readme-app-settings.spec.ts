import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SALLA_APP_SETTINGS_FIELDS } from '../../apps/salla-connector/src/translation';

// Whoever registers the app in the Salla Partners portal copies this table: a field the connector reads but
// the table lacks is a setting no merchant can ever fill in.
describe('README app settings table', () => {
  it('lists every app setting the Salla connector reads, with its type, required and secret flags', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const rows = new Map(
      readme
        .split('\n')
        .filter((line) => /^\| `[a-z_]+`\s+\| (url|text|boolean)/.test(line))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1].replace(/`/g, ''), cells.slice(2, 5)]),
    );
    const expected = SALLA_APP_SETTINGS_FIELDS.map((f) => [
      f.name,
      [f.type, f.required ? 'yes' : 'no', f.secret ? 'yes' : 'no'],
    ]);
    expect(expected.map(([name]) => [name, rows.get(name as string)])).toEqual(expected);
  });
});
