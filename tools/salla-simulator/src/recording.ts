/** One request the simulator received, in arrival order. */
export interface SimulatorCall {
  /** The store the call was attributed to (by its token, also a revoked or expired one). */
  storeId?: string;
  /** `api` for the Merchant API (`/admin/v2/...`), `oauth` for the OAuth server (`/oauth2/...`). */
  kind: 'api' | 'oauth' | 'other';
  method: string;
  /** The path as requested, e.g. `/admin/v2/orders/123`. */
  path: string;
  /** The matched template relative to its base, e.g. `/orders/:id` (API) or `/token` (OAuth); unset when unmatched. */
  route?: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body (API) or form fields (OAuth; they include client credentials: these are test doubles). */
  body?: unknown;
  /** Status answered; 0 while unanswered or when the response was held until the client gave up. */
  status: number;
  /** Simulator clock (epoch ms) at arrival. */
  at: number;
}

export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}
