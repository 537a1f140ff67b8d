import { describeClientContract } from './client-contract';

/**
 * The client contract against a real Odoo (local only): set ODOO_LIVE_URL, ODOO_LIVE_DB, ODOO_LIVE_LOGIN and
 * ODOO_LIVE_KEY. ODOO_LIVE_ALLOW_HOSTS (comma-separated) and ODOO_LIVE_ALLOW_HTTP=true permit a local server.
 */
const live = {
  url: process.env.ODOO_LIVE_URL,
  db: process.env.ODOO_LIVE_DB,
  login: process.env.ODOO_LIVE_LOGIN,
  key: process.env.ODOO_LIVE_KEY,
};
const configured = Object.values(live).every((value) => value !== undefined && value !== '');

if (configured) {
  describeClientContract(`live Odoo at ${live.url}`, () => ({
    options: {
      baseUrl: live.url!,
      database: live.db!,
      login: live.login!,
      apiKey: live.key!,
      ssrf: {
        allowHosts: (process.env.ODOO_LIVE_ALLOW_HOSTS ?? '').split(',').filter(Boolean),
        allowHttp: process.env.ODOO_LIVE_ALLOW_HTTP === 'true',
      },
    },
  }));
} else {
  console.log(
    'Live Odoo suite skipped: ODOO_LIVE_URL, ODOO_LIVE_DB, ODOO_LIVE_LOGIN, ODOO_LIVE_KEY are not all set',
  );
  describe('OdooClient contract: live Odoo', () => {
    it.skip('skipped: set ODOO_LIVE_URL, ODOO_LIVE_DB, ODOO_LIVE_LOGIN and ODOO_LIVE_KEY to run it', () =>
      undefined);
  });
}
