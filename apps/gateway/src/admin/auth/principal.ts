import type { AdminRole } from '../admin-routes';

/** Who is calling the admin API, as established by an API key or a verified JWT. */
export interface AdminPrincipal {
  /** Key name from ADMIN_API_KEYS, or the JWT `sub`. */
  name: string;
  roles: AdminRole[];
  via: 'api-key' | 'jwt';
}

/** The field the guard sets on the Fastify request, read by the audit hook and the controllers. */
export const PRINCIPAL_FIELD = 'adminPrincipal';

export type WithPrincipal = { [PRINCIPAL_FIELD]?: AdminPrincipal };

/** `role:name` as written into commands' `requestedBy` (the highest-privilege role first). */
export function actorLabel(p: AdminPrincipal): string {
  const order: AdminRole[] = ['admin', 'ops', 'compliance', 'support'];
  const role = order.find((r) => p.roles.includes(r)) ?? p.roles[0];
  return `${role}:${p.name.replace(/[\s:]/g, '_').slice(0, 128)}`;
}
