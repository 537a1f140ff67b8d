import type { EnvelopeProblem } from './parse-envelope';

/** What the intake answers Salla: a status, a small JSON body, and for 503 how long to wait. */
export interface IntakeResult {
  status: 200 | 400 | 401 | 413 | 503;
  body: Record<string, unknown>;
  retryAfterSeconds?: number;
}

export const IntakeResults = {
  accepted: (): IntakeResult => ({ status: 200, body: { accepted: true } }),
  duplicate: (): IntakeResult => ({ status: 200, body: { duplicate: true } }),
  // 200, not 4xx: anything but 200/201 makes Salla retry a delivery we will never want.
  ignored: (): IntakeResult => ({ status: 200, body: { ignored: true } }),
  // The store was erased (app uninstalled): nothing is stored for it; 200 for the same reason as above.
  storeUninstalled: (): IntakeResult => ({ status: 200, body: { ignored: 'store uninstalled' } }),
  // One generic answer for every verification failure: which check failed is for our logs, not for a prober.
  invalidSignature: (): IntakeResult => ({ status: 401, body: { error: 'invalid signature' } }),
  invalid: (problem: EnvelopeProblem): IntakeResult => ({
    status: 400,
    body: { error: problem.error, field: problem.field },
  }),
  // Fits the HTTP body limit but not, once sealed, a Kafka message: the same on every retry, so not a 503.
  tooLarge: (): IntakeResult => ({
    status: 413,
    body: { error: 'webhook too large to forward', field: 'body' },
  }),
  unavailable: (retryAfterSeconds: number): IntakeResult => ({
    status: 503,
    body: { error: 'temporarily unavailable' },
    retryAfterSeconds,
  }),
};
