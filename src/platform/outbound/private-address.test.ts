import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './private-address.js';

describe('isPrivateAddress', () => {
  it('refuses loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved and their IPv6 forms', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fe80::1%eth0',
      'fd00::1',
      'fc00::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      '64:ff9b::a00:1',
      '[::1]',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '[2a00:1450:4001:80e::200e]'])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('judges an IPv4 address written inside IPv6 by that address, in any notation (the audit: ::7f00:1, ::ffff:127.0.0.1)', () => {
    // As a URL's hostname gives them: new URL normalises ::ffff:127.0.0.1 to [::ffff:7f00:1].
    for (const url of [
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:7f00:1]/',
      'https://[0:0:0:0:0:ffff:7f00:1]/',
      'https://[::ffff:a9fe:a9fe]/', // 169.254.169.254
      'https://[::ffff:c0a8:1]/', // 192.168.0.1
      'https://[::7f00:1]/', // IPv4-compatible 127.0.0.1
      'https://[::127.0.0.1]/',
      'https://[::a9fe:a9fe]/',
      'https://[::808:808]/', // IPv4-compatible is deprecated: refused whatever it carries
      'https://[::ffff:0:7f00:1]/', // IPv4-translated 127.0.0.1
      'https://[64:ff9b::7f00:1]/', // NAT64
    ]) {
      const host = new URL(url).hostname;
      expect(isPrivateAddress(host), `${url} -> ${host}`).toBe(true);
    }
    for (const ip of ['::ffff:808:808', '::ffff:0:808:808', '::ffff:5db8:d822']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('says nothing of a host name (it must be resolved first)', () => {
    expect(isPrivateAddress('localhost')).toBe(false);
    expect(isPrivateAddress('btcpay.example.com')).toBe(false);
  });
});
