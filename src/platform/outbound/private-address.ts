// Which IP addresses a server-side request chosen by a shop may never reach in production (the SSRF rule of
// outbound-url.ts and guarded-lookup.ts): private, loopback, link-local (169.254.0.0/16, so no cloud
// metadata), shared (CGNAT), multicast, reserved and documentation networks, IPv4 and IPv6. An IPv6 address
// that carries an IPv4 one (IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d) is judged by that
// IPv4 address, in whatever notation it is written (::ffff:7f00:1 is 127.0.0.1); the deprecated
// IPv4-compatible ::a.b.c.d (::/96, e.g. ::7f00:1) and the NAT64 prefixes are refused whole.
import { BlockList, isIP } from 'node:net';

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
  ['::', 96],
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

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad and `::` expanded; zone dropped). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const [head, tail] = text.split('::');
  if (tail === undefined) return groups(head);
  const h = groups(head);
  const t = groups(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** The IPv4 address an IPv4-mapped (::ffff:0:0/96) or IPv4-translated (::ffff:0:0:0/96) IPv6 address carries. */
function embeddedIPv4(groups: number[]): string | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeros = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  const mapped = zeros && g4 === 0 && g5 === 0xffff;
  const translated = zeros && g4 === 0xffff && g5 === 0;
  if (!mapped && !translated) return null;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/**
 * True for an address no shop-chosen request may reach in production. Takes an IP literal as a URL's hostname
 * gives it (IPv6 in brackets) or as DNS answers it; a host name (not an IP) is false: resolve it first.
 */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return false;
  const groups = ipv6Groups(ip);
  const v4 = embeddedIPv4(groups);
  if (v4) return blocked.check(v4, 'ipv4');
  const canonical = groups.map((g) => g.toString(16)).join(':');
  return blocked.check(canonical, 'ipv6');
}
