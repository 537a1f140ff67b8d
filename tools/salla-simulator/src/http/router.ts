/** A route under the API base, e.g. `GET /orders/:id`. Literal routes are listed before parameterised ones. */
export interface Route<H> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  template: string;
  handler: H;
}

export interface RouteMatch<H> {
  route: Route<H>;
  params: Record<string, string>;
}

export function matchRoute<H>(
  routes: readonly Route<H>[],
  method: string,
  path: string,
): RouteMatch<H> | undefined {
  const segments = splitPath(path);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = splitPath(route.template);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return true;
      }
      return part === segments[i];
    });
    if (matches) return { route, params };
  }
  return undefined;
}

const splitPath = (path: string): string[] => path.split('/').filter(Boolean);
