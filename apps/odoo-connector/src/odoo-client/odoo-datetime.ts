/** Odoo stores datetimes as UTC text in whole seconds, `YYYY-MM-DD HH:MM:SS` (what it reads and writes). */
export const toOdooDatetime = (at: Date | number | string): string =>
  new Date(at).toISOString().slice(0, 19).replace('T', ' ');

/** The instant an Odoo datetime text names, in milliseconds. */
export const fromOdooDatetime = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`);
