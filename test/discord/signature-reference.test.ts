// Cross-checks our signature check against discord-interactions' verifyKey, Discord's own reference
// implementation: on valid, altered and foreign signatures both must give the same answer. (The runtime
// does not call verifyKey itself: it imports the key on every call, measured ~2x slower here.)
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { describe, expect, it } from 'vitest';
import { checkDiscordSignature, importDiscordPublicKey } from '../../src/surfaces/discord/signature.js';

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
