import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface ScriptedReply {
  status: number;
  /** Serialised as JSON unless it is a string (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
}

export type Responder = (req: RecordedRequest) => ScriptedReply;

/**
 * A tiny stand-in for Salla's Merchant API on 127.0.0.1 for one test file: each request is recorded and
 * answered by the responder the test installed, or by the next queued reply.
 */
export interface ScriptedSalla {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replies used in order, one per request, before falling back to the responder. */
  queue(...replies: ScriptedReply[]): void;
  respondWith(responder: Responder): void;
  reset(): void;
  close(): Promise<void>;
}

export const ok = (data: unknown, extra: Record<string, unknown> = {}): ScriptedReply => ({
  status: 200,
  body: { status: 200, success: true, data, ...extra },
});

export async function startScriptedSalla(): Promise<ScriptedSalla> {
  const requests: RecordedRequest[] = [];
  let queued: ScriptedReply[] = [];
  let responder: Responder = () => ({ status: 404, body: { status: 404, success: false } });

  const reply = (res: ServerResponse, r: ScriptedReply): void => {
    if (r.hang) return;
    const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
    const contentType = typeof r.body === 'string' ? 'text/html' : 'application/json';
    res.writeHead(r.status, { 'content-type': contentType, ...r.headers }).end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://salla');
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body: raw === '' ? undefined : JSON.parse(raw),
      };
      requests.push(recorded);
      reply(res, queued.shift() ?? responder(recorded));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/admin/v2`,
    requests,
    queue: (...replies) => queued.push(...replies),
    respondWith: (r) => (responder = r),
    reset: () => {
      requests.length = 0;
      queued = [];
      responder = () => ({ status: 404, body: { status: 404, success: false } });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
