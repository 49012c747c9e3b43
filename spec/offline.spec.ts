// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require('node:dns') as typeof import('node:dns');

/** The suite's own guard (spec/setup/offline.ts): no hostname lookup leaves the machine. */
describe('offline test setup', () => {
  const lookup = (host: string) => new Promise<string>((resolve, reject) => dns.lookup(host, (err, address) => (err ? reject(err) : resolve(address))));

  it('fails a lookup of any other name with ENOTFOUND', async () => {
    await expect(lookup('example.com')).rejects.toMatchObject({ code: 'ENOTFOUND', hostname: 'example.com' });
  });

  it('still resolves localhost and IP literals', async () => {
    await expect(lookup('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(lookup('localhost')).resolves.toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});
