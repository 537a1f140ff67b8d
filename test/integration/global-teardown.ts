// Stops only what global-setup.ts started (nothing when KAFKA_BROKERS / MONGODB_URI were given, and never a
// native server that was already running before the tests).
export default async function globalTeardown(): Promise<void> {
  const infra = globalThis.__INTEGRATION_INFRA__;
  globalThis.__INTEGRATION_INFRA__ = undefined;
  if (infra) await infra.stop();
}
