import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from 'undici';

import { createGuardedAgent, guardedRequest, OdooUrlRefusedError, type HostLookup } from '../../src/net';

/** A loopback HTTP server that answers by path; records what reached it. */
async function startTarget(
  routes: Record<string, (port: number) => { status: number; headers?: Record<string, string> }>,
) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    const answer = route ? route(port) : { status: 200 };
    req.resume();
    res.writeHead(answer.status, answer.headers).end(JSON.stringify({ ok: true, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Answers `sequence[0]` on the first lookup, `sequence[1]` on the second... — a rebinding DNS server. */
function rebindingDns(sequence: string[]): HostLookup & { calls: number } {
  const lookup = Object.assign(
    (_hostname: string) => {
      const address = sequence[Math.min(lookup.calls, sequence.length - 1)];
      lookup.calls++;
      return Promise.resolve([{ address, family: 4 }]);
    },
    { calls: 0 },
  );
  return lookup;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('guarded undici agent', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;

  beforeAll(async () => {
    target = await startTarget({
      '/to-private': () => ({ status: 307, headers: { location: 'http://10.0.0.1:8069/jsonrpc' } }),
      '/to-metadata-name': () => ({
        status: 302,
        headers: { location: 'http://metadata.example.com/latest' },
      }),
      '/to-other-host': () => ({ status: 301, headers: { location: 'http://public.example.com/jsonrpc' } }),
      '/moved': (port) => ({ status: 308, headers: { location: `http://127.0.0.1:${port}/jsonrpc` } }),
      '/loop': () => ({ status: 302, headers: { location: '/loop' } }),
    });
  });
  afterAll(() => target.close());

  it('refuses to connect to 127.0.0.1 without an allow-list, and the server never sees the request', async () => {
    const agent = createGuardedAgent({ allowHttp: true });
    const err = await rejection(request(`http://127.0.0.1:${target.port}/jsonrpc`, { dispatcher: agent }));
    expect(err).toBeInstanceOf(OdooUrlRefusedError);
    expect(err.message).toContain('is a loopback address 127.0.0.1');
    expect(target.hits).not.toContain('/jsonrpc');
    await agent.close();
  });

  it('refuses a host name resolving to 127.0.0.1 at connect time', async () => {
    const agent = createGuardedAgent({ allowHttp: true, lookup: rebindingDns(['127.0.0.1']) });
    const err = await rejection(request(`http://odoo.example.test:${target.port}/`, { dispatcher: agent }));
    expect(err).toBeInstanceOf(OdooUrlRefusedError);
    expect(err.message).toContain('resolves to a loopback address 127.0.0.1');
    await agent.close();
  });

  it('connects to the address it checked, even if a second lookup would answer differently', async () => {
    // First answer: the (allowed) test server. Any later answer: a private address. A client that resolved
    // again after the check would be sent to 10.0.0.1 (or fail: `rebind.test` is not in real DNS).
    const dns = rebindingDns(['127.0.0.1', '10.0.0.1']);
    const agent = createGuardedAgent({ allowHttp: true, allowHosts: ['127.0.0.1/32'], lookup: dns });
    const response = await request(`http://odoo.rebind.test:${target.port}/checked`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ ok: true, path: '/checked' });
    expect(dns.calls).toBe(1);
    await agent.close();
  });

  it('refuses when the first answer is private, whatever later answers would be', async () => {
    const dns = rebindingDns(['10.0.0.1', '127.0.0.1']);
    const agent = createGuardedAgent({ allowHttp: true, allowHosts: ['127.0.0.1'], lookup: dns });
    const err = await rejection(request(`http://odoo.rebind.test:${target.port}/`, { dispatcher: agent }));
    expect(err.message).toContain('resolves to a private address 10.0.0.1');
    await agent.close();
  });

  describe('redirects', () => {
    const policy = { allowHttp: true, allowHosts: ['127.0.0.1'], lookup: rebindingDns(['169.254.169.254']) };
    const agent = createGuardedAgent(policy);
    afterAll(() => agent.close());
    const post = (path: string) =>
      guardedRequest(new URL(`http://127.0.0.1:${target.port}${path}`), {
        method: 'POST',
        body: '{}',
        dispatcher: agent,
        policy,
      });

    it('refuses a redirect from an allowed host to a private address', async () => {
      const err = await rejection(post('/to-private'));
      expect(err).toBeInstanceOf(OdooUrlRefusedError);
      expect(err.message).toBe(
        `The Odoo URL http://127.0.0.1:${target.port}/to-private is refused: it redirects to http://10.0.0.1:8069/jsonrpc, which is a private address 10.0.0.1`,
      );
    });

    it('refuses a redirect to a host name that resolves to the metadata address', async () => {
      const err = await rejection(post('/to-metadata-name'));
      expect(err.message).toContain('which resolves to the cloud metadata address 169.254.169.254');
    });

    it('follows a redirect on the same host, re-checked, keeping the POST', async () => {
      const response = await post('/moved');
      expect(response.statusCode).toBe(200);
      expect(response.url.pathname).toBe('/jsonrpc');
      await response.body.dump();
    });

    it('refuses a redirect to another (public) host: the API key travels with the request', async () => {
      const publicPolicy = {
        allowHttp: true,
        allowHosts: ['127.0.0.1'],
        lookup: rebindingDns(['93.184.216.34']),
      };
      const err = await rejection(
        guardedRequest(new URL(`http://127.0.0.1:${target.port}/to-other-host`), {
          method: 'POST',
          body: '{}',
          dispatcher: agent,
          policy: publicPolicy,
        }),
      );
      expect(err.message).toContain(
        'redirects to another host (http://public.example.com/jsonrpc); enter that address as the Odoo URL instead',
      );
    });

    it('stops after a few hops', async () => {
      const err = await rejection(post('/loop'));
      expect(err.message).toContain('redirects more than 3 times');
    });
  });

  it('does not send anything over plain http when https is required', async () => {
    const agent = createGuardedAgent({ allowHosts: ['127.0.0.1'] });
    const before = target.hits.length;
    const err = await rejection(
      guardedRequest(new URL(`http://127.0.0.1:${target.port}/jsonrpc`), {
        method: 'POST',
        dispatcher: agent,
        policy: { allowHosts: ['127.0.0.1'] },
      }),
    );
    expect(err.message).toContain('uses plain http; https is required');
    expect(target.hits.length).toBe(before);
    await agent.close();
  });
});
