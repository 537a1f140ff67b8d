import { type StoreInstalled, type StoreUninstalled, Topic } from '@app/contracts';

import { MalformedSallaResourceError } from '../malformed-resource.error';
import type { SallaAppAuthorize, SallaAppInstalled, SallaAppUninstalled } from '../salla-resources';
import { sallaTimeToUtc, unixTimeToUtc } from '../salla-time';
import { booleanOf, idOf, textOf, withoutUndefined } from '../salla-values';
import {
  emission,
  syncTranslator,
  type SubscriptionState,
  type Translation,
  type Translator,
} from '../translation.types';

/** Scopes as a list: Salla writes them space-separated in tokens and as an array in `app_scopes`. */
function scopesOf(value: unknown): string[] {
  const words = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const scopes = words.map((w) => textOf(w, 128)).filter((w): w is string => w !== undefined);
  return [...new Set(scopes)];
}

/** `app.installed`: the store record is created (installed effect) and everyone hears of it. */
export const appInstalled: Translator = syncTranslator((input): Translation => {
  const data = input.data as SallaAppInstalled;
  const scopes = scopesOf(data.app_scopes);
  const installedAt = sallaTimeToUtc(data.installation_date) ?? input.createdAtUtc;
  const payload: StoreInstalled = withoutUndefined({
    appId: idOf(data.id),
    scopes,
    installedAt,
    storeType: textOf(data.store_type, 32),
  });
  return {
    emit: [emission(Topic.StoreInstalled, payload)],
    effects: [{ kind: 'installed', installedAt, scopes, eventAt: input.createdAtUtc }],
  };
});

/**
 * `app.store.authorize` (easy mode): the store's tokens, as an effect only. They never go on a topic from here:
 * token custody seals them into the store record, and `store.lifecycle.authorized.v1` carries them sealed.
 * Error messages name fields, never values.
 */
export const appStoreAuthorize: Translator = syncTranslator((input): Translation => {
  const data = input.data as SallaAppAuthorize;
  const accessToken = typeof data.access_token === 'string' ? data.access_token.trim() : '';
  if (accessToken === '')
    throw new MalformedSallaResourceError(input.event, 'data.access_token', 'is missing');
  const refreshToken = typeof data.refresh_token === 'string' ? data.refresh_token.trim() : '';
  const lifetime = Number(data.expires_in);
  const expiresAt =
    unixTimeToUtc(data.expires) ??
    (Number.isFinite(lifetime) && lifetime > 0
      ? new Date(Date.parse(input.createdAtUtc) + lifetime * 1000).toISOString()
      : undefined);
  if (expiresAt === undefined)
    throw new MalformedSallaResourceError(input.event, 'data.expires', 'is missing');
  return {
    emit: [],
    effects: [
      {
        kind: 'tokens',
        accessToken,
        ...(refreshToken === '' ? {} : { refreshToken }),
        expiresAt,
        scopes: scopesOf(data.scope),
        eventAt: input.createdAtUtc,
      },
    ],
  };
});

/** `app.updated`: the store info is read again; the new tokens arrive in their own `app.store.authorize`. */
export const appUpdated: Translator = syncTranslator(() => ({ emit: [], effects: [{ kind: 'updated' }] }));

/** `app.uninstalled`: the tokens are dead from now on; every service stops calling Salla for the store. */
export const appUninstalled: Translator = syncTranslator((input): Translation => {
  const data = input.data as SallaAppUninstalled;
  const uninstalledAt = sallaTimeToUtc(data.uninstallation_date) ?? input.createdAtUtc;
  const payload: StoreUninstalled = withoutUndefined({ uninstalledAt, refunded: booleanOf(data.refunded) });
  return {
    emit: [emission(Topic.StoreUninstalled, payload)],
    effects: [{ kind: 'uninstalled', at: uninstalledAt, eventAt: input.createdAtUtc }],
  };
});

/** Trial and subscription events: the plan state decides whether the store may sync; nothing to publish. */
export function subscriptionChanged(state: SubscriptionState): Translator {
  return syncTranslator((input) => ({
    emit: [],
    effects: [{ kind: 'subscription', state, at: input.createdAtUtc }],
  }));
}
