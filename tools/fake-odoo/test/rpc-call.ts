/* eslint-disable @typescript-eslint/no-explicit-any -- RPC answers are read field by field as Odoo returns them */
import type { FakeOdoo } from '@app/fake-odoo';

const KEY = 'fake-odoo-admin-key';

export interface RpcAnswer {
  ok: boolean;
  value: any;
  /** JSON-2's error body, or JSON-RPC's `error.data`: `{ name, message, ... }`. */
  error?: any;
}

/** One model call over the style's own protocol: JSON-RPC execute_kw (16) or JSON-2 (19). */
export async function rpc(
  fake: FakeOdoo,
  model: string,
  method: string,
  ids: number[] | null,
  named: Record<string, unknown> = {},
): Promise<RpcAnswer> {
  if (fake.style === '19') {
    const response = await fetch(`${fake.url}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `bearer ${KEY}`,
        'x-odoo-database': 'odoo',
      },
      body: JSON.stringify({ ...(ids ? { ids } : {}), ...named }),
    });
    const body = (await response.json()) as any;
    return response.ok ? { ok: true, value: body } : { ok: false, value: undefined, error: body };
  }
  const { context, ...kwargs } = named;
  const args: unknown[] = ids ? [ids] : [];
  if ('vals_list' in kwargs) args.push(kwargs.vals_list);
  delete kwargs.vals_list;
  const response = await fetch(`${fake.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['odoo', 2, KEY, model, method, args, { ...kwargs, ...(context ? { context } : {}) }],
      },
      id: 1,
    }),
  });
  const body = (await response.json()) as any;
  return body.error
    ? { ok: false, value: undefined, error: body.error.data }
    : { ok: true, value: body.result };
}
