import { catalogueRoutes } from './catalogue-routes';
import { orderRoutes } from './order-routes';
import { quantityRoutes } from './quantity-routes';
import type { ApiRoute } from './route-context';
import { storeRoutes } from './store-routes';
import { storeSettingsRoutes } from './store-settings-routes';

/** Every Merchant API route, literal paths before parameterised ones (`/products/quantities` before `/products/:id`). */
export const API_ROUTES: readonly ApiRoute[] = [
  ...storeRoutes,
  ...quantityRoutes,
  ...catalogueRoutes,
  ...orderRoutes,
  ...storeSettingsRoutes,
];
