import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** What one webhook delivery took: how many HTTP attempts until a gateway answered 200. */
export interface Delivery {
  attempts: number;
  /** Base URL of the gateway that accepted it. */
  acceptedBy: string;
}

/**
 * Posts webhooks to the gateway signed like Salla's `Signature` strategy, and retries like Salla does: a
 * refused connection, a dropped one or a 5xx is tried again (on the next gateway of the pool, as a load
 * balancer would); a 4xx is final and throws. The same bytes are re-sent on every attempt, so the gateway
 * can recognise a retry by the body's hash.
 */
export class SignedWebhookPoster {
  private next = 0;

  constructor(
    private readonly secret: string,
    private readonly gateways: () => string[],
    private readonly options: { maxAttempts?: number; retryDelayMs?: number } = {},
  ) {}

  /** Salla's app-event envelope around `data`, for the store `storeId`. */
  static body(storeId: string, event: string, data: Record<string, unknown>): string {
    return JSON.stringify({ event, merchant: Number(storeId), created_at: '2026-11-29 10:00:00', data });
  }

  post(storeId: string, event: string, data: Record<string, unknown>): Promise<Delivery> {
    return this.postBody(SignedWebhookPoster.body(storeId, event, data));
  }

  async postBody(body: string): Promise<Delivery> {
    const signature = createHmac('sha256', this.secret).update(body).digest('hex');
    const maxAttempts = this.options.maxAttempts ?? 120;
    let lastFailure = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const pool = this.gateways();
      const gateway = pool[this.next++ % Math.max(pool.length, 1)];
      if (gateway) {
        try {
          const res = await fetch(`${gateway}/webhooks/salla`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-salla-security-strategy': 'Signature',
              'x-salla-signature': signature,
            },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (res.ok) return { attempts: attempt, acceptedBy: gateway };
          if (res.status < 500) throw new Error(`gateway refused a webhook: HTTP ${res.status}`);
          lastFailure = `HTTP ${res.status}`;
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('gateway refused')) throw err;
          lastFailure =
            err instanceof Error
              ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}`
              : String(err);
        }
      } else {
        lastFailure = 'no gateway running';
      }
      await sleep(this.options.retryDelayMs ?? 250);
    }
    throw new Error(`webhook not accepted after ${maxAttempts} attempts: ${lastFailure}`);
  }
}
