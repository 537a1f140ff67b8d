/** Static words of Salla's API paths: lowercase letters, `_` and `-`. Anything else is an id or a key. */
const STATIC_SEGMENT = /^[a-z][a-z_-]*$/;

/** Segments after these words are values chosen by the merchant (a SKU may be any text). */
const VALUE_AFTER = new Map<string, string>([['sku', ':sku']]);

/**
 * The route of a request path for metrics and error messages, with ids replaced: `/orders/123` →
 * `/orders/:id`, `/products/sku/AB-1` → `/products/sku/:sku`. Keeps metric series few and keeps customer
 * data (a SKU, an order number) out of metric labels. The query string is dropped.
 */
export function routeTemplate(path: string): string {
  const pathname = path.split(/[?#]/, 1)[0] ?? '';
  const segments = pathname.split('/').filter((s) => s !== '');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const previous = i > 0 ? segments[i - 1] : undefined;
    const valueName = previous !== undefined ? VALUE_AFTER.get(previous) : undefined;
    if (valueName !== undefined) out.push(valueName);
    else out.push(STATIC_SEGMENT.test(segment) ? segment : ':id');
  }
  return `/${out.join('/')}`;
}
