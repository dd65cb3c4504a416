// Makes Discord interaction requests signed exactly as Discord signs them (Ed25519 over timestamp + body),
// with a key pair generated for the test run.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface DiscordTestKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
}

export function generateDiscordTestKeys(): DiscordTestKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  return { publicKeyHex: Buffer.from(x, 'base64url').toString('hex'), privateKey };
}

export function signDiscordBody(keys: DiscordTestKeys, body: string, timestamp = Math.floor(Date.now() / 1000).toString()) {
  const signature = sign(null, Buffer.from(timestamp + body), keys.privateKey).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp, 'content-type': 'application/json' };
}
