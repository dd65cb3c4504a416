// Which URLs a shop may point a webhook endpoint at (the SSRF guard; docs/decisions/outgoing-webhooks.md).
// Production: https only, no user:password in the URL, and never an address on a private, loopback,
// link-local, shared (CGNAT), multicast or reserved network: not as an IP literal, not as a name that
// resolves to one (checked when the endpoint is saved, and again on every connection by the sender, so a
// name that is re-pointed later is refused too). Development and test: https anywhere, and http to
// localhost only (a receiver on the developer's machine); private targets allowed.
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../platform/errors.js';

export interface WebhookUrlPolicy {
  /** NODE_ENV=production: https only and no private-network targets. */
  production: boolean;
}

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** True for an address no shop's webhook may reach in production (IPv4-mapped IPv6 is judged as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) return blocked.check(ip, 'ipv6');
  return false;
}

const LOCAL_NAMES = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|[a-z0-9-]+\.localhost)$/i;

const invalid = (message: string) => new AppError('VALIDATION_FAILED', message, { fields: [{ path: 'url', message }] });

/** Parses and checks a webhook URL without looking the name up. Throws VALIDATION_FAILED saying why. */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): URL {
  const text = String(raw ?? '').trim();
  if (text.length > 2000) throw invalid('The URL is longer than 2,000 characters.');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('Enter a full URL such as https://example.com/webhooks/ledgerline.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('The URL must start with https://.');
  if (url.username || url.password) throw invalid('Put no user name or password in the URL: verify the signature instead.');
  if (url.hash) throw invalid('The URL may not have a #fragment.');
  const host = url.hostname;
  if (policy.production) {
    if (url.protocol !== 'https:') throw invalid('The URL must use https:// (webhooks carry order data).');
    if (LOCAL_NAMES.test(host) || isPrivateAddress(host))
      throw invalid(`${host} is a private or local address; a webhook must go to a public one.`);
  } else if (url.protocol === 'http:' && !LOCAL_NAMES.test(host)) {
    throw invalid('Plain http:// is allowed only for localhost (outside production); use https://.');
  }
  return url;
}

/**
 * checkWebhookUrl plus, in production, the name's current addresses: refused when any of them is private.
 * `lookup` resolves a host name to its addresses (dns.promises.lookup with all: true).
 */
export async function checkWebhookTarget(raw: string, policy: WebhookUrlPolicy, lookup: (host: string) => Promise<string[]>): Promise<URL> {
  const url = checkWebhookUrl(raw, policy);
  if (!policy.production || isIP(url.hostname.replace(/^\[|\]$/g, ''))) return url;
  let addresses: string[];
  try {
    addresses = await lookup(url.hostname);
  } catch {
    throw invalid(`${url.hostname} does not resolve to an address.`);
  }
  if (addresses.length === 0) throw invalid(`${url.hostname} does not resolve to an address.`);
  const inside = addresses.find(isPrivateAddress);
  if (inside) throw invalid(`${url.hostname} resolves to ${inside}, a private or local address; a webhook must go to a public one.`);
  return url;
}
