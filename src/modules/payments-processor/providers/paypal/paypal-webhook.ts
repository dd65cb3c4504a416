// PayPal webhook signatures, verified locally (not with the verify-webhook-signature postback): PayPal signs
// "<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>" with
// SHA256withRSA, and names the certificate in PAYPAL-CERT-URL. Local verification costs no extra call per
// event (the certificate is cached), keeps working while PayPal's API is slow, and checks the exact raw bytes
// we received; the postback would re-send a parsed body and cannot verify simulator events. The certificate
// URL is attacker-controlled input, so only PayPal's own hosts over https are fetched (plus the configured
// fake's base URL in development and tests), and the certificate must be currently valid.
import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AppError } from '../../../../platform/errors.js';

/** Hosts PayPal serves its webhook certificates from (live and sandbox). */
const PAYPAL_CERT_HOSTS = new Set(['api.paypal.com', 'api-m.paypal.com', 'api.sandbox.paypal.com', 'api-m.sandbox.paypal.com']);

export interface CertSource {
  /** Extra URL prefix whose certificates are trusted (PAYPAL_API_BASE_URL when it points at a fake). */
  trustedPrefix?: string;
  timeoutMs: number;
  now: () => Date;
}

export function certUrlAllowed(url: string, trustedPrefix?: string): boolean {
  if (trustedPrefix && url.startsWith(`${trustedPrefix.replace(/\/+$/, '')}/`)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' && PAYPAL_CERT_HOSTS.has(parsed.hostname) && !parsed.username && !parsed.password && parsed.port === ''
  );
}

export function signedMessage(transmissionId: string, transmissionTime: string, webhookId: string, rawBody: Buffer): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody) >>> 0}`;
}

export function createPayPalSignatureVerifier(source: CertSource) {
  const certs = new Map<string, X509Certificate>();
  const bad = (why: string) => new AppError('BAD_SIGNATURE', `PayPal webhook signature not accepted: ${why}.`);

  async function certificate(url: string): Promise<X509Certificate> {
    const cached = certs.get(url);
    if (cached) return cached;
    let pem: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(source.timeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      pem = await res.text();
    } catch (err) {
      // Retryable: PayPal redelivers, and we may fetch the certificate next time.
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The PayPal webhook certificate could not be fetched.', { why: (err as Error).message });
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw bad('the certificate URL did not serve a certificate');
    }
    if (certs.size > 50) certs.clear();
    certs.set(url, cert);
    return cert;
  }

  return {
    async verify(headers: Record<string, string | undefined>, rawBody: Buffer, webhookId: string): Promise<void> {
      const id = headers['paypal-transmission-id'];
      const time = headers['paypal-transmission-time'];
      const sig = headers['paypal-transmission-sig'];
      const certUrl = headers['paypal-cert-url'];
      const algo = headers['paypal-auth-algo'];
      // A connection saved before its webhook was registered has no Webhook ID yet: nothing can be ours.
      if (!webhookId) throw bad('this connection has no Webhook ID yet');
      if (!id || !time || !sig || !certUrl || !algo) throw bad('PayPal transmission headers missing');
      if (algo !== 'SHA256withRSA') throw bad(`unsupported algorithm ${algo.slice(0, 40)}`);
      if (!certUrlAllowed(certUrl, source.trustedPrefix)) throw bad("the certificate URL is not PayPal's");
      const cert = await certificate(certUrl);
      const now = source.now().getTime();
      if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) throw bad('the certificate is not valid now');
      const ok = verifySignature(
        'sha256',
        Buffer.from(signedMessage(id, time, webhookId, rawBody)),
        cert.publicKey,
        Buffer.from(sig, 'base64'),
      );
      if (!ok) throw bad('the signature does not match');
    },
  };
}
