import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const RESULT_FILE = join(resolve(__dirname, '..', '..'), 'bench', 'results', 'chaos.json');

/** One SIGKILL of a server or service, and how long until it was back. */
export interface RestartRecord {
  target: 'kafka' | 'mongodb' | 'salla-connector' | 'odoo-connector';
  /** Webhooks accepted when the kill was sent. */
  atDelivery: number;
  /** From the SIGKILL until the restarted process answered (Kafka: describeCluster; Mongo: ping; services: /health/ready). */
  downMs: number;
}

export interface ChaosReport {
  passed: boolean;
  failure?: string;
  seed: number;
  orders: number;
  deliveries: number;
  duplicatesSent: number;
  /** HTTP posts beyond the first of each delivery (503 / refused connections during outages). */
  webhookRetries: number;
  faults: {
    odoo: { requests: number; http5xx: number; timeoutBeforeApply: number; timeoutAfterApply: number };
    sigkills: Record<RestartRecord['target'], number>;
  };
  restarts: RestartRecord[];
  saleOrders: number;
  lost: number;
  duplicated: number;
  wrongLines: number;
  duplicatedProducts: number;
  deadLetters: number;
  /** From the first webhook posted to the last one accepted by the gateway. */
  postingMs: number;
  /** From the last webhook accepted to the moment the last missing sale order was seen in Odoo. */
  timeToDrainMs: number | null;
  totalWallMs: number;
  odooCalls: number;
  settings: Record<string, string | number>;
}

export function machine(): string {
  return `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}`;
}

/** Writes bench/results/chaos.json and prints the figures a reader looks for first. */
export function publishReport(report: ChaosReport): void {
  const document = {
    bench: 'chaos',
    at: new Date().toISOString(),
    command: 'npm run test:chaos',
    machine: machine(),
    ...report,
  };
  mkdirSync(join(RESULT_FILE, '..'), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(document, null, 2)}\n`);
  const s = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  const { odoo } = report.faults;
  process.stdout.write(
    [
      '',
      `chaos run ${report.passed ? 'PASSED' : 'FAILED'} (seed ${report.seed})${report.failure ? `: ${report.failure}` : ''}`,
      `  orders ${report.orders}, deliveries ${report.deliveries} (${report.duplicatesSent} duplicates), webhook retries ${report.webhookRetries}`,
      `  fake Odoo: ${odoo.requests} requests, ${odoo.http5xx} answered 5xx, ${odoo.timeoutBeforeApply + odoo.timeoutAfterApply} timed out (${odoo.timeoutAfterApply} of them after applying)`,
      `  SIGKILL + restart: ${report.restarts.map((r) => `${r.target} at delivery ${r.atDelivery} (down ${s(r.downMs)})`).join(', ')}`,
      `  sale orders ${report.saleOrders}: lost ${report.lost}, duplicated ${report.duplicated}, wrong lines ${report.wrongLines}; duplicated products ${report.duplicatedProducts}; dead letters ${report.deadLetters}`,
      `  posting ${s(report.postingMs)}, time to drain ${s(report.timeToDrainMs)}, total wall ${s(report.totalWallMs)}`,
      `  report: ${RESULT_FILE}`,
      '',
    ].join('\n'),
  );
}
