import { checkOdooUrl, OdooUrlRefusedError, type HostLookup } from '../../src/net';
import { OdooClient } from '../../src/odoo-client';

/** A resolver that answers from a table, so no test depends on real DNS. */
const fakeDns =
  (table: Record<string, string[]>): HostLookup =>
  (hostname) => {
    const answers = table[hostname];
    if (!answers)
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    return Promise.resolve(answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };

const lookup = fakeDns({
  'odoo.example.com': ['93.184.216.34'],
  'sneaky.example.com': ['127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mixed.example.com': ['93.184.216.34', '10.1.2.3'],
  'mapped.example.com': ['::ffff:192.168.1.10'],
  'odoo.internal': ['10.20.0.5'],
});

async function refusal(
  url: string,
  policy: Parameters<typeof checkOdooUrl>[1] = { lookup },
): Promise<string> {
  const err: unknown = await checkOdooUrl(url, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OdooUrlRefusedError);
  const refused = err as OdooUrlRefusedError;
  expect(refused.permanent).toBe(true);
  expect(refused.message).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  return refused.message;
}

describe('checkOdooUrl (SSRF guard)', () => {
  it('accepts a public https Odoo', async () => {
    await expect(checkOdooUrl('https://odoo.example.com', { lookup })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['https://127.0.0.1:8069', 'is a loopback address 127.0.0.1'],
    ['https://10.0.0.1', 'is a private address 10.0.0.1'],
    ['https://172.16.5.4', 'is a private address 172.16.5.4'],
    ['https://192.168.0.10', 'is a private address 192.168.0.10'],
    ['https://169.254.169.254/latest/meta-data', 'is the cloud metadata address 169.254.169.254'],
    ['https://169.254.10.1', 'is a link-local address 169.254.10.1'],
    ['https://100.64.0.1', 'is a carrier-grade NAT address 100.64.0.1'],
    ['https://0.0.0.0', 'is a "this network" address 0.0.0.0'],
    ['https://224.0.0.1', 'is a multicast address 224.0.0.1'],
    ['https://[::1]', 'is a loopback address ::1'],
    ['https://[fe80::1]', 'is a link-local address fe80::1'],
    ['https://[fd12:3456::1]', 'is a unique-local address fd12:3456::1'],
    ['https://[::ffff:127.0.0.1]', 'is a loopback address 127.0.0.1'],
    ['https://[::ffff:a9fe:a9fe]', 'is the cloud metadata address 169.254.169.254'],
  ])('refuses %s: it %s', async (url, reason) => {
    expect(await refusal(url)).toContain(`it ${reason}`);
  });

  it('refuses a host name that resolves to 127.0.0.1', async () => {
    expect(await refusal('https://sneaky.example.com')).toBe(
      'The Odoo URL https://sneaky.example.com is refused: it resolves to a loopback address 127.0.0.1',
    );
  });

  it('refuses a host name that resolves to the metadata address or to an IPv4-mapped private address', async () => {
    expect(await refusal('https://metadata.example.com')).toContain(
      'resolves to the cloud metadata address 169.254.169.254',
    );
    expect(await refusal('https://mapped.example.com')).toContain(
      'resolves to a private address 192.168.1.10',
    );
  });

  it('refuses a host name with one public and one private address', async () => {
    expect(await refusal('https://mixed.example.com')).toContain('resolves to a private address 10.1.2.3');
  });

  it('requires https unless http is allowed, and only http(s) at all', async () => {
    expect(await refusal('http://odoo.example.com')).toContain('uses plain http; https is required');
    await expect(
      checkOdooUrl('http://odoo.example.com', { lookup, allowHttp: true }),
    ).resolves.toBeInstanceOf(URL);
    expect(await refusal('ftp://odoo.example.com')).toContain(
      'uses the scheme "ftp"; only https is accepted',
    );
    expect(await refusal('file:///etc/passwd')).toContain('uses the scheme "file"');
    expect(await refusal('not a url')).toContain('is not a valid URL');
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const message = await refusal('https://admin:hunter2@odoo.example.com');
    expect(message).toContain('contains a user name or password');
    expect(message).not.toContain('hunter2');
  });

  it('lets configured hosts, addresses and CIDRs through', async () => {
    await expect(
      checkOdooUrl('http://127.0.0.1:8069', { allowHosts: ['127.0.0.1'], allowHttp: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkOdooUrl('https://odoo.internal', { lookup, allowHosts: ['odoo.internal'] }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkOdooUrl('https://odoo.internal', { lookup, allowHosts: ['10.20.0.0/16'] }),
    ).resolves.toBeInstanceOf(URL);
    // The allow-list is exact: 127.0.0.1 does not open 10.0.0.1.
    expect(await refusal('https://10.0.0.1', { lookup, allowHosts: ['127.0.0.1'] })).toContain(
      'private address 10.0.0.1',
    );
  });

  it('an OdooClient cannot even be built for a refused URL', () => {
    expect(
      () => new OdooClient({ baseUrl: 'https://10.0.0.1', database: 'd', login: 'l', apiKey: 'k' }),
    ).toThrow('The Odoo URL https://10.0.0.1 is refused: it is a private address 10.0.0.1');
  });
});
