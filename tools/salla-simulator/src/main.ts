/**
 * Runs the simulator on its own: `node dist/tools/salla-simulator/src/main.js` (after `npm run build`).
 * SIMULATOR_HOST (127.0.0.1) / SIMULATOR_PORT (3900); SIMULATOR_DEMO_STORE=<store id> seeds a demo store and
 * prints its tokens (simulator tokens, worthless anywhere else). SIMULATOR_DEMO_PLAN picks its plan (plus).
 */
import { startSallaSimulator } from './simulator';
import type { SallaPlan } from './salla-types';

async function main(): Promise<void> {
  const sim = await startSallaSimulator({
    host: process.env.SIMULATOR_HOST || '127.0.0.1',
    port: Number(process.env.SIMULATOR_PORT || 3900),
  });
  console.log(
    `Salla simulator: API ${sim.apiUrl}, OAuth ${sim.oauthUrl} (client ${sim.clientId} / ${sim.clientSecret})`,
  );

  const storeId = process.env.SIMULATOR_DEMO_STORE;
  if (storeId) {
    sim.addStore({
      id: storeId,
      plan: (process.env.SIMULATOR_DEMO_PLAN || 'plus') as SallaPlan,
      name: 'متجر تجريبي',
    });
    sim.seedCategories(storeId, 20);
    sim.seedShippingCompanies(storeId);
    sim.seedPaymentMethods(storeId);
    sim.seedProducts(storeId, 150);
    sim.seedProducts(storeId, 50, { variantsPerProduct: 4 });
    sim.seedOrders(storeId, 50);
    console.log(JSON.stringify({ demoStore: storeId, tokens: sim.issueTokens(storeId) }));
  }

  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
