// A minimal X.509 v3 self-signed certificate builder (DER by hand; node:crypto can verify certificates but
// not make them). Used by the local fake providers to serve a real certificate at their cert URL, so the
// code under test parses and checks it exactly as it would PayPal's.
import { sign, type KeyObject } from 'node:crypto';

function der(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else header = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([header, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
const int = (bytes: Buffer) => der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const nul = Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const bitString = (bytes: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), bytes]));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  return der(
    0x17,
    Buffer.from(
      `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`,
    ),
  );
}

/** PEM of a self-signed RSA certificate for `commonName`, valid from notBefore to notAfter. */
export function selfSignedCertificate(opts: {
  privateKey: KeyObject;
  publicKey: KeyObject;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  serial?: Buffer;
}): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), nul);
  const name = seq(set(seq(oid('2.5.4.3'), utf8(opts.commonName))));
  const spki = opts.publicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq(
    der(0xa0, int(Buffer.from([2]))), // v3
    int(opts.serial ?? Buffer.from([1, 2, 3, 4])),
    sha256WithRsa,
    name,
    seq(utcTime(opts.notBefore), utcTime(opts.notAfter)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, opts.privateKey);
  const cert = seq(tbs, sha256WithRsa, bitString(signature));
  const b64 = cert
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
