import type { StoreProfileUpdated } from '@app/contracts';

import { ResourceLabel } from './malformed-resource.error';
import type { SallaStoreInfo } from './salla-resources';
import { currencyCodeOf, idOf, textOf, withoutUndefined } from './salla-values';

export interface MapStoreInfoOptions {
  /** When `GET /store/info` was read (ISO UTC); now when not given. */
  readAt?: string;
}

/**
 * `store.lifecycle.profile-updated.v1` from `GET /store/info`: only what sync and support need (name, domain,
 * plan, currency, store type). Owner, e-mail and contact details are left behind on purpose.
 */
export function mapStoreInfo(info: SallaStoreInfo, options: MapStoreInfoOptions = {}): StoreProfileUpdated {
  const label = ResourceLabel.of('store info', idOf(info.id));
  const name = textOf(info.name, 256);
  if (name === undefined) throw label.malformed('name', 'is missing');
  const currency = currencyCodeOf(info.currency);
  if (currency === undefined) throw label.malformed('currency', 'is missing or not an ISO 4217 code');
  return withoutUndefined({
    name,
    domain: textOf(info.domain, 2048),
    plan: textOf(info.plan, 64)?.toLowerCase(),
    currency,
    storeType: textOf(info.type, 32) ?? textOf(info.store_type, 32),
    readAt: options.readAt ?? new Date().toISOString(),
  });
}
