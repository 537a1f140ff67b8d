import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';

import type { AdminRouteId } from '../admin-routes';
import { AdminGuard } from './admin.guard';
import { ADMIN_ROUTE_KEY } from './route-key';

export { ADMIN_ROUTE_KEY };

/** Marks a handler as the admin route `id` of ADMIN_ROUTES: authentication, rate limit, roles, consent. */
export function AdminRoute(id: AdminRouteId): MethodDecorator {
  return applyDecorators(SetMetadata(ADMIN_ROUTE_KEY, id), UseGuards(AdminGuard));
}
