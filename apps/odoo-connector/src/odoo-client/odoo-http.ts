import type { Dispatcher } from 'undici';

import { displayUrl, guardedRequest, OdooUrlRefusedError, type SsrfPolicy } from '../net';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import { odooErrorFromNetwork } from './odoo-error-mapping';
import { OdooError, OdooTransientError, type OdooProtocol } from './odoo-errors';
import { odooMetrics, outcomeOf } from './odoo-metrics';

export interface OdooHttpSettings {
  /** Normalised to end with `/`, so paths resolve under it (an Odoo served under a path prefix works). */
  baseUrl: URL;
  dispatcher: Dispatcher;
  policy: SsrfPolicy;
  limiter: ConcurrencyLimiter;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  /** Never printed: redacted from every message. */
  secrets: readonly string[];
}

export interface OdooHttpAnswer {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON (`text` then holds the start of it). */
  json: unknown;
  text: string;
}

/**
 * One POST of a JSON body to Odoo, inside the per-Odoo concurrency cap, with a whole-exchange timeout and a
 * cap on the answer's size (the server is the merchant's, not ours). Network failures and timeouts become
 * `OdooTransientError`; a refused URL stays `OdooUrlRefusedError` (permanent). HTTP statuses are left to the
 * transport, which knows its protocol's meaning of them.
 */
export class OdooHttp {
  constructor(private readonly settings: OdooHttpSettings) {}

  get target(): string {
    return displayUrl(this.settings.baseUrl);
  }

  postJson(
    path: string,
    payload: unknown,
    context: { protocol: OdooProtocol; operation?: string; headers?: Record<string, string> },
  ): Promise<OdooHttpAnswer> {
    const { limiter } = this.settings;
    return limiter.run(async () => {
      const started = performance.now();
      const labels = { protocol: context.protocol, operation: context.operation ?? path };
      try {
        const answer = await this.exchange(path, payload, context);
        this.record(labels, started, outcomeOf(answer.status, undefined));
        return answer;
      } catch (err) {
        this.record(labels, started, outcomeOf(undefined, err));
        throw err;
      }
    });
  }

  private record(labels: { protocol: string; operation: string }, started: number, outcome: string): void {
    const attributes = { ...labels, outcome };
    odooMetrics.duration.record((performance.now() - started) / 1000, attributes);
    odooMetrics.requests.add(1, attributes);
  }

  private async exchange(
    path: string,
    payload: unknown,
    context: { protocol: OdooProtocol; operation?: string; headers?: Record<string, string> },
  ): Promise<OdooHttpAnswer> {
    const { baseUrl, dispatcher, policy, timeoutMs, maxRedirects, secrets } = this.settings;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await guardedRequest(new URL(path.replace(/^\//, ''), baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...context.headers },
        body: JSON.stringify(payload),
        dispatcher,
        policy,
        maxRedirects,
        signal: abort.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await this.readCapped(response.body);
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, json, text: json === undefined ? text.slice(0, 200) : '' };
    } catch (err) {
      if (err instanceof OdooUrlRefusedError || err instanceof OdooTransientError) throw err;
      if (abort.signal.aborted) {
        throw new OdooTransientError(
          `Odoo at ${this.target} did not answer within ${Math.round(timeoutMs / 1000)} s`,
          {
            protocol: context.protocol,
            operation: context.operation,
          },
        );
      }
      throw odooErrorFromNetwork(err, { ...context, secrets, target: this.target });
    } finally {
      clearTimeout(timer);
    }
  }

  private async readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.settings.maxResponseBytes) {
        body.destroy();
        // Asking again gets the same answer: permanent, the caller must page with a smaller limit.
        throw new OdooError(
          `Odoo at ${this.target} sent more than ${this.settings.maxResponseBytes} bytes; ask for fewer records per call`,
          { permanent: true },
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
