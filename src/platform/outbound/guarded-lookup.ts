// The connect-time half of the outbound rule (outbound-url.ts): a `lookup` hook for node:http / node:https /
// node:net that resolves the name and refuses the connection when any of its addresses is private, so a name
// that passed when it was saved and was re-pointed since (DNS rebinding) is refused at the moment of the call;
// and the checks made before connecting (an IP literal is not looked up).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { OutboundPolicy, ResolveHost } from './outbound-url.js';
import { isPrivateAddress } from './private-address.js';

/** The guarded lookup refused the connection (its message says which address). */
export class PrivateTargetError extends Error {}

/** The system resolver (getaddrinfo, as a connection uses it), every address. */
export const systemResolveHost: ResolveHost = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses)));
  });

/** A lookup hook that answers only when no address of the name is private. */
export function guardedLookup(resolveHost: ResolveHost = systemResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (all) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const addresses = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        const inside = all.find((a) => isPrivateAddress(a.address));
        if (inside) return callback(new PrivateTargetError(`${hostname} resolves to ${inside.address}, a private address`), '', 4);
        if (!addresses.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

/** Why a call to `target` is refused before any connection (production: not https, a private IP literal), or null. */
export function refusedBeforeConnect(target: URL, policy: OutboundPolicy): string | null {
  if (!policy.production) return null;
  if (target.protocol !== 'https:') return 'not https';
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) return `${host} is a private address`;
  return null;
}
