import { isURL } from 'class-validator';

import {
  ODOO_API_KEY_AAD,
  type OdooConnection,
  type PaymentJournalSetting,
  type StoreSettingsUpdated,
  Topic,
} from '@app/contracts';

import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaAppSettings } from '../salla-resources';
import { booleanOf, idOf, isRecord } from '../salla-values';
import { emission, emitted, type Translator } from '../translation.types';

export interface AppSettingsField {
  /** The key in Salla's `data.settings` (what the app's settings form in the Salla Partners portal must use). */
  name: string;
  type: 'url' | 'text' | 'boolean';
  /** Needed for the Odoo connection; without every required field the store stays "not configured". */
  required: boolean;
  /** Sealed before it leaves the connector; never logged, never in plaintext on a topic. */
  secret: boolean;
  description: string;
}

/**
 * The app settings the merchant fills in Salla's dashboard, as they arrive in `app.settings.updated`.
 * Every other key in `data.settings` is dropped unread (data minimisation).
 */
export const SALLA_APP_SETTINGS_FIELDS: readonly AppSettingsField[] = [
  {
    name: 'odoo_url',
    type: 'url',
    required: true,
    secret: false,
    description:
      'Base URL of the Odoo server, e.g. https://mycompany.odoo.com (http only for local installs).',
  },
  {
    name: 'odoo_database',
    type: 'text',
    required: true,
    secret: false,
    description: 'Odoo database name (several databases can share one server).',
  },
  {
    name: 'odoo_login',
    type: 'text',
    required: true,
    secret: false,
    description: 'Login of the Odoo user the API key belongs to.',
  },
  {
    name: 'odoo_api_key',
    type: 'text',
    required: true,
    secret: true,
    description: 'Odoo API key of that user (Preferences → Account Security → New API Key).',
  },
  {
    name: 'odoo_stock_location_id',
    type: 'text',
    required: false,
    secret: false,
    description: "Odoo stock location whose quantities mirror Salla's stock; the main warehouse when empty.",
  },
  {
    name: 'odoo_payment_journals',
    type: 'text',
    required: false,
    secret: false,
    description:
      'Salla payment method → Odoo journal code, comma-separated, e.g. "mada=BNK1, credit_card=BNK1, cod=CSH1": paid orders are paid in that journal.',
  },
  {
    name: 'sync_enabled',
    type: 'boolean',
    required: false,
    secret: false,
    description: 'Switch sync off without uninstalling; data and links are kept. On when absent.',
  },
];

/** Text settings: trimmed; empty means "not filled in". */
function settingText(settings: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = settings[key];
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (text === '') return undefined;
  if (text.length > max) {
    throw new MalformedSallaResourceError(
      'app.settings.updated',
      `data.settings.${key}`,
      `is longer than ${max} characters`,
    );
  }
  return text;
}

/** The Odoo URL as a base: http(s) only, trailing slashes dropped. The value is never echoed (it may hold credentials). */
function odooUrlOf(settings: Record<string, unknown>): string | undefined {
  const url = settingText(settings, 'odoo_url', 2048)?.replace(/\/+$/, '');
  if (url === undefined) return undefined;
  if (!isURL(url, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] })) {
    throw new MalformedSallaResourceError(
      'app.settings.updated',
      'data.settings.odoo_url',
      'is not an http(s) URL',
    );
  }
  return url;
}

function syncEnabledOf(settings: Record<string, unknown>): boolean {
  const value = settings.sync_enabled;
  if (value === undefined || value === null || value === '') return true;
  const enabled = booleanOf(value);
  if (enabled === undefined) {
    throw new MalformedSallaResourceError(
      'app.settings.updated',
      'data.settings.sync_enabled',
      'is not a yes/no value',
    );
  }
  return enabled;
}

/** `mada=BNK1, cod=CSH1` → pairs; undefined when empty. A pair that does not read is refused with its text. */
function paymentJournalsOf(settings: Record<string, unknown>): PaymentJournalSetting[] | undefined {
  const text = settingText(settings, 'odoo_payment_journals', 2000);
  if (text === undefined) return undefined;
  const pairs = new Map<string, string>();
  for (const part of text
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9_.-]{1,64})\s*[=:]\s*([\w.-]{1,16})$/.exec(part);
    if (!match) {
      throw new MalformedSallaResourceError(
        'app.settings.updated',
        'data.settings.odoo_payment_journals',
        `has "${part.slice(0, 40)}", which is not method=JOURNALCODE`,
      );
    }
    pairs.set(match[1].toLowerCase(), match[2]);
  }
  if (pairs.size === 0) return undefined;
  return [...pairs].map(([methodCode, journalCode]) => ({ methodCode, journalCode }));
}

/**
 * `app.settings.updated` → `store.lifecycle.settings-updated.v1`. The Odoo API key is sealed for the store
 * (AAD `ODOO_API_KEY_AAD`) before anything else sees it; `odoo` is present only when URL, database, login and
 * key are all filled in, so the Odoo connector never tries to log in with half a credential.
 */
export const appSettingsUpdated: Translator = async (input, deps) => {
  const data = input.data as SallaAppSettings;
  if (!isRecord(data.settings)) {
    throw new MalformedSallaResourceError(input.event, 'data.settings', 'is missing');
  }
  const settings = data.settings;
  const url = odooUrlOf(settings);
  const database = settingText(settings, 'odoo_database', 128);
  const login = settingText(settings, 'odoo_login', 256);
  const apiKey = settingText(settings, 'odoo_api_key', 1024);
  const stockLocationId = idOf(settings.odoo_stock_location_id);

  let odoo: OdooConnection | undefined;
  if (url !== undefined && database !== undefined && login !== undefined && apiKey !== undefined) {
    odoo = {
      url,
      database,
      login,
      apiKey: await deps.seal(input.storeId, apiKey, ODOO_API_KEY_AAD),
      ...(stockLocationId === undefined ? {} : { stockLocationId }),
    };
  }
  const paymentJournals = paymentJournalsOf(settings);
  const payload: StoreSettingsUpdated = {
    ...(odoo === undefined ? {} : { odoo }),
    syncEnabled: syncEnabledOf(settings),
    ...(paymentJournals === undefined ? {} : { paymentJournals }),
  };
  return emitted(emission(Topic.StoreSettingsUpdated, payload));
};
