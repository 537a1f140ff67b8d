import type { ApiResult } from '../http/envelope';
import type { Route } from '../http/router';
import type { SimulatorCore } from '../simulator-core';
import type { StoreState } from '../store-state';
import type { BulkQueue } from '../quantities/bulk-queue';

/** Everything a Merchant API handler sees: the calling store (from its token), the request, the simulator. */
export interface RouteContext {
  core: SimulatorCore;
  bulk: BulkQueue;
  store: StoreState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The request URL as the client saw it (pagination links are built from it). */
  url: URL;
}

export type ApiHandler = (ctx: RouteContext) => ApiResult;
export type ApiRoute = Route<ApiHandler>;

/** A numeric path id; anything else cannot name a Salla resource, so it is a 404 like an unknown id. */
export function numericParam(ctx: RouteContext, name: string): number | undefined {
  const text = ctx.params[name];
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

export function objectBody(ctx: RouteContext): Record<string, unknown> {
  return typeof ctx.body === 'object' && ctx.body !== null && !Array.isArray(ctx.body)
    ? (ctx.body as Record<string, unknown>)
    : {};
}
