// The signature check on the raw bytes, with whichever Ed25519 implementation loaded (libsodium here),
// cross-checked against node:crypto so the fast path never disagrees with the reference one.
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { describe, expect, it } from 'vitest';
import { checkDiscordSignature, ed25519Backend, importDiscordPublicKey, verifyEd25519 } from './signature.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
const key = importDiscordPublicKey(hex);

describe('Discord signature check', () => {
  it('uses libsodium on this platform', () => {
    expect(ed25519Backend).toBe('libsodium');
  });

  it('agrees with node:crypto on valid, altered and foreign signatures', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    for (let i = 0; i < 50; i++) {
      const msg = randomBytes(1 + ((i * 37) % 2000));
      const good = sign(null, msg, privateKey);
      const altered = Buffer.from(good);
      altered[i % 64]! ^= 1;
      const foreign = sign(null, msg, other);
      for (const sig of [good, altered, foreign]) expect(verifyEd25519(key, msg, sig)).toBe(verify(null, msg, publicKey, sig));
    }
  });

  it('checks timestamp + raw body, and refuses missing, malformed, stale and future requests', () => {
    const body = Buffer.from('{"type":1}');
    const now = Date.now();
    const ts = String(Math.floor(now / 1000));
    const sig = sign(null, Buffer.concat([Buffer.from(ts), body]), privateKey).toString('hex');
    expect(checkDiscordSignature(key, sig, ts, body, 300, now)).toEqual({ ok: true });
    expect(checkDiscordSignature(key, sig, ts, Buffer.from('{"type":2}'), 300, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkDiscordSignature(key, undefined, ts, body, 300, now)).toEqual({ ok: false, reason: 'missing' });
    expect(checkDiscordSignature(key, 'zz', ts, body, 300, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkDiscordSignature(key, sig, ts, body, 300, now + 301_000)).toEqual({ ok: false, reason: 'stale' });
    expect(checkDiscordSignature(key, sig, ts, body, 300, now - 120_000)).toEqual({ ok: false, reason: 'stale' });
  });
});

// Also cross-checks our signature check against discord-interactions' verifyKey, Discord's own reference
// implementation: on valid, altered and foreign signatures both must give the same answer. (The runtime
// does not call verifyKey itself: it imports the key on every call, measured ~2x slower here.)
describe('signature check agrees with discord-interactions verifyKey', () => {
  it('on valid, altered-body, altered-signature and foreign-key requests', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').privateKey;
    const hex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const key = importDiscordPublicKey(hex);
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    for (let i = 0; i < 30; i++) {
      const body = Buffer.from(JSON.stringify({ type: 2, id: String(i), pad: randomBytes(i * 13).toString('hex') }));
      const signed = Buffer.concat([Buffer.from(timestamp), body]);
      const good = sign(null, signed, privateKey).toString('hex');
      const flipped =
        good.slice(0, i * 2) + (parseInt(good.slice(i * 2, i * 2 + 2), 16) ^ 1).toString(16).padStart(2, '0') + good.slice(i * 2 + 2);
      const foreign = sign(null, signed, other).toString('hex');
      const cases: [string, Buffer][] = [
        [good, body],
        [flipped, body],
        [foreign, body],
        [good, Buffer.concat([body, Buffer.from(' ')])],
      ];
      for (const [signature, rawBody] of cases) {
        const reference = await verifyKey(rawBody, signature, timestamp, hex);
        const ours = checkDiscordSignature(key, signature, timestamp, rawBody, 300, now).ok;
        expect(ours).toBe(reference);
      }
    }
  });
});
