#!/usr/bin/env node
// One-shot job of the Compose demo profile: installs the simulator's demo store the way Salla installs an app,
// by posting three signed webhooks to the gateway (easy mode):
//   1. app.installed          the merchant installs the app
//   2. app.store.authorize    Salla hands over the store's access and refresh tokens (the simulator's)
//   3. app.settings.updated   the merchant fills in the app settings: the demo Odoo's URL, database and login
// After that the salla-connector backfills the store and the odoo-connector writes it into Odoo.
//
// Environment: GATEWAY_URL, SALLA_WEBHOOK_SECRET, SIMULATOR_OUTPUT (file holding the simulator's stdout),
// DEMO_STORE_ID, ODOO_URL, ODOO_DATABASE, ODOO_LOGIN, ODOO_API_KEY. Secrets are never printed.
// Plain Node (>= 20), no dependencies: it runs from a bind mount in the service image.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const RETRY_DELAY_MS = 2000;
const MAX_ATTEMPTS = 60;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** Salla's app-event timestamp: Riyadh local time (UTC+3, no daylight saving), `YYYY-MM-DD HH:mm:ss`. */
export function sallaAppTimestamp(date = new Date()) {
  return new Date(date.getTime() + 3 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The simulator prints `{"demoStore": "<id>", "tokens": {...}}` once it has seeded the store. */
export function demoTokensFrom(output, storeId) {
  for (const line of output.split('\n').reverse()) {
    if (!line.includes('"demoStore"')) continue;
    const parsed = JSON.parse(line);
    if (String(parsed.demoStore) === String(storeId)) return parsed.tokens;
  }
  throw new Error(`no tokens for demo store ${storeId} in the simulator output`);
}

/** The three webhooks of an easy-mode install, in the order Salla sends them. */
export function installWebhooks({ storeId, tokens, odoo, now = new Date() }) {
  const envelope = (event, data) => ({
    event,
    merchant: Number(storeId),
    created_at: sallaAppTimestamp(now),
    data,
  });
  return [
    envelope('app.installed', {
      id: 1,
      app_name: 'Salla ⇄ Odoo sync (demo)',
      app_type: 'app',
      app_scopes: tokens.scope.split(' '),
      installation_date: sallaAppTimestamp(now),
      store_type: 'demo',
    }),
    envelope('app.store.authorize', {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expires: tokens.expires,
      scope: tokens.scope,
      token_type: 'bearer',
    }),
    envelope('app.settings.updated', {
      id: 1,
      app_name: 'Salla ⇄ Odoo sync (demo)',
      settings: {
        odoo_url: odoo.url,
        odoo_database: odoo.database,
        odoo_login: odoo.login,
        odoo_api_key: odoo.apiKey,
        sync_enabled: true,
      },
    }),
  ];
}

/** An answer that retrying cannot change (a wrong secret, a malformed envelope, a refused Odoo login). */
class PermanentError extends Error {}

/** Runs `attempt` until it succeeds, a PermanentError, or MAX_ATTEMPTS transient failures. */
async function retrying(what, attempt) {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof PermanentError || n >= MAX_ATTEMPTS) throw err;
      await sleep(RETRY_DELAY_MS);
    }
  }
}

/** POSTs one webhook signed like Salla's Signature strategy; retries while the gateway is unavailable. */
export async function postSigned(gatewayUrl, secret, webhook) {
  const body = JSON.stringify(webhook);
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  await retrying(webhook.event, async () => {
    const res = await fetch(`${gatewayUrl}/webhooks/salla`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-salla-security-strategy': 'Signature',
        'x-salla-signature': signature,
      },
      body,
    });
    if (res.ok) return;
    const failure = `gateway answered ${webhook.event} with HTTP ${res.status}`;
    // 503 (Kafka or Mongo not ready yet) and other 5xx pass; a 4xx means a wrong secret or envelope.
    throw res.status >= 500 ? new Error(failure) : new PermanentError(failure);
  });
}

/** Logs in to Odoo's external API, so a wrong database or login shows here and not as sync errors later. */
async function checkOdooLogin(odoo) {
  return retrying('odoo login', async () => {
    const res = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 1,
        params: { service: 'common', method: 'login', args: [odoo.database, odoo.login, odoo.apiKey] },
      }),
    });
    const answer = await res.json();
    if (typeof answer.result === 'number' && answer.result > 0) return answer.result;
    if (answer.result === false) {
      throw new PermanentError(`Odoo refused login ${odoo.login} on database ${odoo.database}`);
    }
    throw new Error(answer.error?.message ?? `Odoo answered HTTP ${res.status}`);
  });
}

async function main() {
  const storeId = required('DEMO_STORE_ID');
  const gatewayUrl = required('GATEWAY_URL').replace(/\/+$/, '');
  const secret = required('SALLA_WEBHOOK_SECRET');
  const odoo = {
    url: required('ODOO_URL').replace(/\/+$/, ''),
    database: required('ODOO_DATABASE'),
    login: required('ODOO_LOGIN'),
    apiKey: required('ODOO_API_KEY'),
  };
  const tokens = demoTokensFrom(readFileSync(required('SIMULATOR_OUTPUT'), 'utf8'), storeId);

  const uid = await checkOdooLogin(odoo);
  console.log(`demo-install: Odoo ${odoo.url} database ${odoo.database}: ${odoo.login} logs in (uid ${uid})`);

  for (const webhook of installWebhooks({ storeId, tokens, odoo })) {
    await postSigned(gatewayUrl, secret, webhook);
    console.log(`demo-install: ${webhook.event} for store ${storeId} accepted by the gateway`);
  }
  console.log(
    `demo-install: store ${storeId} installed; the backfill now fills Odoo (${odoo.url}, ` +
      'Sales and Inventory) — follow it in Jaeger (http://127.0.0.1:16686) and Prometheus.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(`demo-install: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
