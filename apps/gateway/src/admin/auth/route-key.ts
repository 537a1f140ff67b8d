/** Metadata key of @AdminRoute: the ADMIN_ROUTES id of the handler. */
export const ADMIN_ROUTE_KEY = 'admin:route';
