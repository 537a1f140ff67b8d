/* eslint-disable @typescript-eslint/no-explicit-any -- answers are parsed JSON, asserted field by field */
import { manualClock, startSallaSimulator, type SallaSimulator } from '../src';
import { callApi } from './salla-client';

describe('Salla simulator: paged listings', () => {
  const clock = manualClock(Date.UTC(2024, 2, 31, 21, 0, 0)); // 1 April 00:00 in Riyadh
  let sim: SallaSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSallaSimulator({ clock });
    sim.addStore({ id: 55, plan: 'special' });
    sim.seedCategories(55, 12);
    sim.seedProducts(55, 100);
    sim.seedProducts(55, 30, { variantsPerProduct: 3 });
    sim.seedOrders(55, 40, { from: new Date(Date.UTC(2024, 2, 1, 0, 0, 0)) });
    token = sim.issueTokens(55).accessToken;
  });
  afterAll(() => sim.close());

  it('walking every page yields each product once, in full, with consistent totals', async () => {
    const seen: number[] = [];
    let page = 1;
    let last: any;
    do {
      last = await callApi(sim, token, `/products?per_page=60&page=${page}`);
      expect(last.status).toBe(200);
      expect(last.body.pagination).toMatchObject({
        total: 130,
        perPage: 60,
        currentPage: page,
        totalPages: 3,
      });
      expect(last.body.pagination.count).toBe(last.body.data.length);
      seen.push(...last.body.data.map((p: any) => p.id));
      page++;
    } while (last.body.pagination.links.next);

    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    expect(last.body.data).toHaveLength(10);
    const withVariants = last.body.data.find((p: any) => p.skus.length > 0);
    expect(withVariants.skus).toHaveLength(3);
    expect(withVariants.options[0].values).toHaveLength(3);
    expect(withVariants.quantity).toBe(
      withVariants.skus.reduce((n: number, v: any) => n + v.stock_quantity, 0),
    );
  });

  it('links point at the neighbouring pages and are an empty list when there is only one page', async () => {
    const middle = await callApi(sim, token, '/products?per_page=60&page=2');
    expect(new URL(middle.body.pagination.links.next).searchParams.get('page')).toBe('3');
    expect(new URL(middle.body.pagination.links.previous).searchParams.get('per_page')).toBe('60');

    const single = await callApi(sim, token, '/categories?per_page=60');
    expect(single.body.pagination).toMatchObject({ total: 12, totalPages: 1, links: [] });
  });

  it('more than 60 per page is refused with the offending field', async () => {
    const answer = await callApi(sim, token, '/products?per_page=61');
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      success: false,
      error: { fields: { per_page: [expect.any(String)] } },
    });
  });

  it('a page past the end is empty but still tells the totals', async () => {
    const answer = await callApi(sim, token, '/products?per_page=50&page=9');
    expect(answer.body.data).toEqual([]);
    expect(answer.body.pagination).toMatchObject({ total: 130, totalPages: 3, currentPage: 9 });
  });

  it('orders filter on creation day (Riyadh time) and sort as asked', async () => {
    const all = await callApi(sim, token, '/orders?per_page=60&sort_by=created_at-asc');
    expect(all.body.pagination.total).toBe(40);
    const days = all.body.data.map((o: any) => o.date.date.slice(0, 10));
    expect([...days].sort()).toEqual(days);

    const march10 = days.filter((d: string) => d >= '2024-03-10' && d <= '2024-03-15').length;
    const filtered = await callApi(sim, token, '/orders?from_date=2024-03-10&to_date=2024-03-15&per_page=60');
    expect(filtered.body.pagination.total).toBe(march10);
    expect(march10).toBeGreaterThan(0);

    const newestFirst = await callApi(sim, token, '/orders?per_page=5');
    expect(newestFirst.body.data[0].id).toBe(all.body.data[39].id);
    expect(newestFirst.body.data[0]).not.toHaveProperty('amounts'); // summaries; detail via /orders/{id}
  });
});
