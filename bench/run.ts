// `npm run bench [-- NAME]`: runs one benchmark and rewrites its section of BENCHMARKS.md.
//   messaging (the default): `@app/messaging` against plain kafkajs (bench/messaging.ts)
//   gateway: signed Salla webhook intake against a bare node:http baseline (bench/gateway.ts)
//   idle-rss: resident memory of each built service at idle (bench/idle-rss.ts)
//   order-latency: webhook → sale.order latency at a fixed arrival rate, services as processes (bench/order-latency.ts)
//   backfill: a 10,000-product backfill against the Salla rate-limit floor and Odoo calls per record (bench/backfill.ts)
import 'reflect-metadata';

import { runBackfillBench } from './backfill';
import { runGatewayBench } from './gateway';
import { runIdleRssBench } from './idle-rss';
import { runMessagingBench } from './messaging';
import { runOrderLatencyBench } from './order-latency';

const BENCHES: Record<string, () => Promise<void>> = {
  messaging: runMessagingBench,
  gateway: runGatewayBench,
  'idle-rss': runIdleRssBench,
  'order-latency': runOrderLatencyBench,
  backfill: runBackfillBench,
};

const name = process.argv[2] ?? 'messaging';
const bench = BENCHES[name];
if (!bench) {
  console.error(`unknown bench "${name}"; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exitCode = 2;
} else {
  // No process.exit on success: the process ends once every client is closed, which shows nothing leaked.
  bench().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  });
}
