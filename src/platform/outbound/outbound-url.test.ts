import { describe, expect, it } from 'vitest';
import { checkOutboundTarget, checkOutboundUrl, type OutboundUrlField } from './outbound-url.js';

const prod = { production: true };
const dev = { production: false };
const hook: OutboundUrlField = { field: 'url', what: 'a webhook', example: 'https://example.com/hook', maxLength: 2000, allowQuery: true };
const server: OutboundUrlField = {
  field: 'serverUrl',
  what: 'the server',
  example: 'https://btcpay.example.com',
  maxLength: 300,
  allowQuery: false,
};
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('checkOutboundUrl / checkOutboundTarget', () => {
  it('production: https to a public host only', async () => {
    expect(checkOutboundUrl('https://hooks.example.com/ledgerline', prod, hook).hostname).toBe('hooks.example.com');
    for (const url of [
      'http://hooks.example.com/x',
      'https://localhost/x',
      'https://127.0.0.1/x',
      'https://0x7f.1/x',
      'https://2130706433/x',
      'https://[::1]/x',
      'https://10.0.0.8/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:192.168.0.1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[::7f00:1]/x',
      'https://a.localhost/x',
    ]) {
      expect(() => checkOutboundUrl(url, prod, hook), url).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    // A public-looking name that resolves to a private address is refused, as is one that resolves nowhere.
    await expect(
      checkOutboundTarget('https://internal.example.com/x', prod, resolvesTo('93.184.216.34', '10.0.0.5'), hook),
    ).rejects.toThrow(/10\.0\.0\.5/);
    await expect(checkOutboundTarget('https://mapped.example.com/x', prod, resolvesTo('::ffff:7f00:1'), hook)).rejects.toThrow(
      /a private or local address; a webhook must be at a public one/,
    );
    await expect(
      checkOutboundTarget(
        'https://gone.example.com/x',
        prod,
        async () => {
          throw new Error('ENOTFOUND');
        },
        hook,
      ),
    ).rejects.toThrow(/does not resolve/);
    expect((await checkOutboundTarget('https://hooks.example.com/x', prod, resolvesTo('93.184.216.34'), hook)).toString()).toBe(
      'https://hooks.example.com/x',
    );
  });

  it('development and test: https anywhere, plain http only to localhost', async () => {
    for (const url of [
      'http://localhost:3000/hook',
      'http://127.0.0.1:8080/hook',
      'http://[::1]:8080/hook',
      'https://10.0.0.8/x',
      'https://hooks.example.com/x',
    ]) {
      expect(() => checkOutboundUrl(url, dev, hook), url).not.toThrow();
    }
    expect(() => checkOutboundUrl('http://hooks.example.com/x', dev, hook)).toThrow(/only for localhost/);
    // No lookup outside production.
    await expect(checkOutboundTarget('https://hooks.example.com/x', dev, resolvesTo('10.0.0.1'), hook)).resolves.toBeInstanceOf(URL);
  });

  it('refuses credentials, fragments (even an empty one), other schemes and overlong URLs everywhere; a query where paths are appended', () => {
    for (const url of [
      'https://u:p@example.com/x',
      'https://example.com/x#frag',
      'https://example.com/x#',
      'ftp://example.com/x',
      'javascript:alert(1)',
      `https://example.com/${'a'.repeat(2000)}`,
      '',
    ]) {
      expect(() => checkOutboundUrl(url, dev, hook), url).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    expect(checkOutboundUrl('https://example.com/x?token=1', prod, hook).search).toBe('?token=1');
    for (const url of ['https://btcpay.example.com/?', 'https://btcpay.example.com/?a=1', 'https://btcpay.example.com/#']) {
      expect(() => checkOutboundUrl(url, dev, server), url).toThrowError(
        expect.objectContaining({ details: { fields: [{ path: 'serverUrl', message: expect.any(String) }] } }),
      );
    }
  });
});
