// The one rule for a URL a shop chooses and the server then calls (the SSRF guard): outgoing webhook
// endpoints, a BTCPay connection's server URL. docs/decisions/outgoing-webhooks.md, "URL policy", and
// docs/decisions/square-and-btcpay.md, "Server-side requests to the shop's BTCPay Server".
// Everywhere: a full http(s) URL, no user:password, no #fragment (not even an empty one), and, unless the
// field allows it, no ?query. Production (NODE_ENV=production): https only, and never a private, loopback,
// link-local, CGNAT, multicast or reserved address (private-address.ts), as a literal or as a name that resolves
// to one, checked when saved (checkOutboundTarget) and again at every connection (guarded-lookup.ts), so a name
// re-pointed later (DNS rebinding) is refused too. Development and test: https anywhere, plain http to
// localhost only, private targets allowed (the local fakes listen on 127.0.0.1).
import { isIP } from 'node:net';
import { AppError } from '../errors.js';
import { isPrivateAddress } from './private-address.js';

export interface OutboundPolicy {
  /** NODE_ENV=production: https only and no private-network targets. */
  production: boolean;
}

/** A host name's current addresses (dns.promises.lookup with all: true, in container.ts). */
export type ResolveHost = (host: string) => Promise<{ address: string; family: number }[]>;

/** What one URL field is, for its checks and its words. */
export interface OutboundUrlField {
  /** The field's path in a VALIDATION_FAILED error. */
  field: string;
  /** What the URL points at, in a sentence: "a webhook", "the BTCPay Server". */
  what: string;
  /** A URL to show in "Enter a full URL such as ...". */
  example: string;
  maxLength: number;
  /** A ?query is part of the target (a webhook's); false where paths are appended to it (a server's base URL). */
  allowQuery: boolean;
}

/** Loopback names: refused in production, the only plain-http hosts outside it. */
const LOCAL_NAMES = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|[a-z0-9-]+\.localhost)$/i;

/** Why `raw` is not a URL of this field's shape whatever the policy, or null with the parsed URL. */
export function outboundUrlFormat(raw: unknown, f: OutboundUrlField): { url: URL; problem: null } | { url: null; problem: string } {
  const text = String(raw ?? '').trim();
  const no = (problem: string) => ({ url: null, problem });
  if (text.length > f.maxLength) return no(`The URL is longer than ${f.maxLength.toLocaleString('en-US')} characters.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return no(`Enter a full URL such as ${f.example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return no('The URL must start with https://.');
  if (url.username || url.password) return no('Put no user name or password in the URL.');
  // An empty "#" or "?" leaves url.hash / url.search empty, but still cuts off a path appended to the text.
  if (text.includes('#')) return no('The URL may not have a #fragment.');
  if (!f.allowQuery && text.includes('?')) return no('The URL may not have a ?query.');
  return { url, problem: null };
}

/** Why `url` may not be called under `policy`, or null (no DNS: see checkOutboundTarget). */
export function outboundUrlPolicyProblem(url: URL, policy: OutboundPolicy, f: Pick<OutboundUrlField, 'what'>): string | null {
  const host = url.hostname;
  if (policy.production) {
    if (url.protocol !== 'https:') return 'The URL must use https://.';
    if (LOCAL_NAMES.test(host) || isPrivateAddress(host))
      return `${host} is a private or local address; ${f.what} must be at a public one.`;
  } else if (url.protocol === 'http:' && !LOCAL_NAMES.test(host)) {
    return 'Plain http:// is allowed only for localhost (outside production); use https://.';
  }
  return null;
}

const invalid = (f: OutboundUrlField, message: string) =>
  new AppError('VALIDATION_FAILED', message, { fields: [{ path: f.field, message }] });

/** Parses and checks a URL without looking its name up. Throws VALIDATION_FAILED saying why. */
export function checkOutboundUrl(raw: unknown, policy: OutboundPolicy, f: OutboundUrlField): URL {
  const parsed = outboundUrlFormat(raw, f);
  if (!parsed.url) throw invalid(f, parsed.problem);
  const problem = outboundUrlPolicyProblem(parsed.url, policy, f);
  if (problem) throw invalid(f, problem);
  return parsed.url;
}

/** checkOutboundUrl plus, in production, the name's current addresses: refused when any of them is private. */
export async function checkOutboundTarget(raw: unknown, policy: OutboundPolicy, resolve: ResolveHost, f: OutboundUrlField): Promise<URL> {
  const url = checkOutboundUrl(raw, policy, f);
  if (!policy.production || isIP(url.hostname.replace(/^\[|\]$/g, ''))) return url;
  let addresses: string[];
  try {
    addresses = (await resolve(url.hostname)).map((a) => a.address);
  } catch {
    throw invalid(f, `${url.hostname} does not resolve to an address.`);
  }
  if (addresses.length === 0) throw invalid(f, `${url.hostname} does not resolve to an address.`);
  const inside = addresses.find(isPrivateAddress);
  if (inside) throw invalid(f, `${url.hostname} resolves to ${inside}, a private or local address; ${f.what} must be at a public one.`);
  return url;
}
