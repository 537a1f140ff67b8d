// `npm run bench [-- NAME]`: runs one benchmark and rewrites its section of BENCHMARKS.md.
//   messaging (the default): `@app/messaging` against plain kafkajs (bench/messaging.ts)
//   gateway: signed Salla webhook intake against a bare node:http baseline (bench/gateway.ts)
//   idle-rss: resident memory of each built service at idle (bench/idle-rss.ts)
import 'reflect-metadata';

import { runGatewayBench } from './gateway';
import { runIdleRssBench } from './idle-rss';
import { runMessagingBench } from './messaging';

const BENCHES: Record<string, () => Promise<void>> = {
  messaging: runMessagingBench,
  gateway: runGatewayBench,
  'idle-rss': runIdleRssBench,
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
