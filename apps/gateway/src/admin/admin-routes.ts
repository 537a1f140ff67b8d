/**
 * The admin API's one source of truth for who may call what: every route, its roles, and whether it shows a
 * store's business data (which a support agent may see only under an unexpired access grant). The guard
 * enforces it, the OpenAPI document is generated from it, and the role × endpoint test iterates over it.
 */
export const ADMIN_ROLES = ['support', 'ops', 'compliance', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ADMIN_PREFIX = '/admin/v1';

export interface AdminRoutePolicy {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below ADMIN_PREFIX in OpenAPI syntax (`{id}`); the controllers use the same paths. */
  path: string;
  roles: readonly AdminRole[];
  /**
   * The route reveals the store's business data (activity details, mappings, payload excerpts): a caller
   * whose only role is `support` needs an active grant for the store in the path.
   */
  businessData?: boolean;
  summary: string;
  tag: 'stores' | 'grants' | 'audit' | 'dead-letters' | 'backfills' | 'operations';
}

const STAFF = ['support', 'ops', 'admin'] as const;
const OPERATORS = ['ops', 'admin'] as const;

export const ADMIN_ROUTES = {
  listStores: {
    method: 'GET',
    path: '/stores',
    roles: STAFF,
    summary: 'List and search stores (install state, plan, Odoo connection, last sync, error counts)',
    tag: 'stores',
  },
  getStore: {
    method: 'GET',
    path: '/stores/{id}',
    roles: STAFF,
    summary: 'One store; support without a grant sees operational metadata only',
    tag: 'stores',
  },
  listActivity: {
    method: 'GET',
    path: '/stores/{id}/activity',
    roles: STAFF,
    businessData: true,
    summary: "The store's sync activity log, newest first (paged, filter by kind and outcome)",
    tag: 'stores',
  },
  listGrants: {
    method: 'GET',
    path: '/stores/{id}/grants',
    roles: [...STAFF, 'compliance'],
    summary: "The store's support-access grants (active and past)",
    tag: 'grants',
  },
  createOperatorGrant: {
    method: 'POST',
    path: '/stores/{id}/grants',
    roles: OPERATORS,
    summary: 'Grant support access to the store with a written reason (at most 7 days)',
    tag: 'grants',
  },
  redeemMerchantGrant: {
    method: 'POST',
    path: '/stores/{id}/grants/merchant',
    roles: STAFF,
    summary: "Record the merchant's consent: a signed access token the app issued to the merchant",
    tag: 'grants',
  },
  revokeGrant: {
    method: 'DELETE',
    path: '/stores/{id}/grants/{grantId}',
    roles: OPERATORS,
    summary: 'Revoke a support-access grant now',
    tag: 'grants',
  },
  requestBackfill: {
    method: 'POST',
    path: '/stores/{id}/backfills',
    roles: OPERATORS,
    summary: "Resync: ask the Salla connector to read the store's data again (BackfillRequested)",
    tag: 'backfills',
  },
  getBackfill: {
    method: 'GET',
    path: '/stores/{id}/backfills/{runId}',
    roles: STAFF,
    summary: 'Progress of a backfill run, per resource',
    tag: 'backfills',
  },
  checkOdooConnection: {
    method: 'POST',
    path: '/stores/{id}/odoo-connection-checks',
    roles: STAFF,
    summary: "Ask the Odoo connector to test the store's Odoo connection now",
    tag: 'operations',
  },
  rotateStoreKey: {
    method: 'POST',
    path: '/stores/{id}/key-rotations',
    roles: ['admin'],
    summary: "Ask every service to rotate the store's data key and re-encrypt what it protects",
    tag: 'operations',
  },
  listDeadLetters: {
    method: 'GET',
    path: '/dead-letters',
    roles: OPERATORS,
    summary: 'Dead-lettered messages (metadata only, never payloads), filter by store, topic and state',
    tag: 'dead-letters',
  },
  replayDeadLetter: {
    method: 'POST',
    path: '/dead-letters/{id}/replay',
    roles: OPERATORS,
    summary: 'Republish one dead letter to its source topic with its original key',
    tag: 'dead-letters',
  },
  replayDeadLetters: {
    method: 'POST',
    path: '/dead-letters/replay',
    roles: OPERATORS,
    summary: 'Republish every parked dead letter matching a filter',
    tag: 'dead-letters',
  },
  discardDeadLetter: {
    method: 'POST',
    path: '/dead-letters/{id}/discard',
    roles: OPERATORS,
    summary: 'Discard one dead letter with a reason (it is never replayed)',
    tag: 'dead-letters',
  },
  queryAudit: {
    method: 'GET',
    path: '/audit',
    roles: ['compliance', 'admin'],
    summary: 'Admin access audit (who, role, store, route, IP, user agent, time, outcome)',
    tag: 'audit',
  },
  healthOverview: {
    method: 'GET',
    path: '/health',
    roles: STAFF,
    summary: "Every configured service's /health/ready",
    tag: 'operations',
  },
} as const satisfies Record<string, AdminRoutePolicy>;

export type AdminRouteId = keyof typeof ADMIN_ROUTES;

export function policyOf(id: AdminRouteId): AdminRoutePolicy {
  return ADMIN_ROUTES[id];
}

/** Nest/Fastify path of a route (`:id` instead of `{id}`), relative to the admin controller prefix. */
export function nestPathOf(id: AdminRouteId): string {
  return ADMIN_ROUTES[id].path.replace(/\{(\w+)\}/g, ':$1').slice(1);
}
