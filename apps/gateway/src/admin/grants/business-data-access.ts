import { Injectable } from '@nestjs/common';

import type { AdminPrincipal } from '../auth/principal';
import { AccessGrantsRepository } from './access-grants.repository';

/** Salla merchant ids are digits; we accept a little more (test and sandbox ids) but nothing query-like. */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The consent rule: ops and admin see a store's business data (authorized technical personnel); a caller
 * who is only `support` sees it only while the store has an unexpired, unrevoked grant.
 */
@Injectable()
export class BusinessDataAccess {
  constructor(private readonly grants: AccessGrantsRepository) {}

  async canSee(principal: AdminPrincipal, storeId: string): Promise<boolean> {
    if (principal.roles.includes('ops') || principal.roles.includes('admin')) return true;
    if (!principal.roles.includes('support') || !STORE_ID_PATTERN.test(storeId)) return false;
    return this.grants.hasActive(storeId);
  }
}
