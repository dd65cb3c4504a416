// Development conveniences: when no Discord application or secrets are configured outside production,
// generate them once and keep them under data/ (git-ignored), so `npm start` works on a fresh clone and the
// local simulator can sign interactions with the same key pair.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generateKeyringEntry } from '../platform/secret-box.js';

export interface DevSecrets {
  discordPublicKeyHex: string;
  discordPrivateKeyPem: string;
  sessionSecret: string;
  invoiceLinkSecret: string;
  /** SECRETS_ENCRYPTION_KEYS for development ("dev1:<base64>"); added to older files on first read. */
  secretsEncryptionKeys: string;
}

export const DEV_SECRETS_FILE = resolve('data/dev-secrets.json');

export function loadOrCreateDevSecrets(file = DEV_SECRETS_FILE): DevSecrets {
  if (existsSync(file)) {
    const existing = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
    if (!existing.secretsEncryptionKeys) {
      existing.secretsEncryptionKeys = generateKeyringEntry();
      writeFileSync(file, JSON.stringify(existing, null, 2), { mode: 0o600 });
    }
    return existing;
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const secrets: DevSecrets = {
    discordPublicKeyHex: Buffer.from(jwk.x ?? '', 'base64url').toString('hex'),
    discordPrivateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    sessionSecret: randomBytes(32).toString('base64url'),
    invoiceLinkSecret: randomBytes(32).toString('base64url'),
    secretsEncryptionKeys: generateKeyringEntry(),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
