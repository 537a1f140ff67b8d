import { metrics } from '@app/observability';

/**
 * Odoo call latency and outcomes, for the "is this merchant's Odoo slow or failing?" dashboards. Labelled by
 * protocol, operation (`model.method`, or `authenticate` / `version`) and outcome — never by the merchant's
 * host, which would make one series per store.
 */
export const odooMetrics = {
  duration: metrics.histogram<{ protocol: string; operation: string; outcome: string }>(
    'odoo.request.duration.seconds',
    'Time of one HTTP call to an Odoo server, by protocol, operation and outcome',
    { unit: 's', boundaries: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
  ),
  requests: metrics.counter<{ protocol: string; operation: string; outcome: string }>(
    'odoo.requests',
    'HTTP calls to Odoo servers, by protocol, operation and outcome (ok, http_<status>, timeout, network, refused)',
  ),
};

/** The outcome label of one exchange. */
export function outcomeOf(status: number | undefined, err: unknown): string {
  if (err !== undefined) {
    if (!(err instanceof Error)) return 'network';
    if (err.name === 'OdooUrlRefusedError') return 'refused';
    return /did not answer/.test(err.message) ? 'timeout' : 'network';
  }
  return status !== undefined && status >= 200 && status < 300 ? 'ok' : `http_${String(status)}`;
}
