import { Agent, request } from 'node:http';

import type { RawHeaders } from './auth-mutations';

export interface FuzzAnswer {
  /** HTTP status, or `timeout` (no answer within the bound) / `transport` (connection failed without one). */
  status: number | 'timeout' | 'transport';
  body: string;
  error?: string;
}

/**
 * Sends raw requests over node:http, so duplicate headers, missing Content-Type, odd methods and bodies
 * arrive exactly as written (fetch would normalise them). Keep-alive, at most `maxSockets` connections.
 */
export class FuzzClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(method: string, path: string, headers: RawHeaders, body: Buffer): Promise<FuzzAnswer> {
    const url = new URL(this.baseUrl);
    // Given as an array, headers are sent verbatim: Node adds neither Host (HTTP/1.1 requires it) nor
    // Content-Length.
    const flat = ['Host', url.host, ...headers.flatMap(([name, value]) => [name, value])];
    if (method !== 'GET' && method !== 'HEAD') flat.push('Content-Length', String(body.length));
    return new Promise<FuzzAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: FuzzAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const req = request(
        { host: url.hostname, port: url.port, method, path, headers: flat, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (err) =>
            finish({ status: res.statusCode ?? 'transport', body: '', error: err.message }),
          );
        },
      );
      const timer = setTimeout(() => {
        finish({ status: 'timeout', body: '' });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', (err) => finish({ status: 'transport', body: '', error: err.message }));
      if (method === 'GET' || method === 'HEAD') req.end();
      else req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in `indices` with at most `concurrency` in flight. */
export async function runBounded(
  indices: readonly number[],
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indices.length) await task(indices[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, indices.length) }, worker));
}
