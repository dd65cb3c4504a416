// Secrets at rest (processor credentials, the tenant's TaxJar key): AES-256-GCM with a key id, so keys can
// rotate. Stored form: "enc:v1:<kid>:<iv b64url>:<ciphertext b64url>:<tag b64url>". The first key of the
// keyring encrypts; every key decrypts, so an old value stays readable after a new key is put in front, and
// the start-up migration (re-)encrypts what is not under the current key. The key id is authenticated
// (part of the GCM additional data), so a value cannot be re-labelled to another key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const KID = /^[A-Za-z0-9_-]{1,32}$/;

export class SecretBoxConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxConfigError';
  }
}

export interface SecretBox {
  /** The key id new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plain: string): string;
  /** Throws for a value that is not ours, a key id we do not hold, or tampered bytes (never echoes the value). */
  decrypt(stored: string): string;
  /** True for a value in our stored form (not necessarily under the current key). */
  isEncrypted(value: string): boolean;
  /** The key id a stored value was encrypted with, or null when it is plaintext. */
  keyIdOf(value: string): string | null;
  /**
   * A 32-byte key for one purpose (e.g. signing list cursors), derived from the current key with HKDF-SHA256
   * and `label`: purposes never share a key, and none of them can decrypt secrets.
   */
  deriveKey(label: string): Buffer;
  /**
   * The same purpose's key derived from every key of the keyring, current first: what was signed before a
   * rotation (a list cursor a client still holds) still verifies while the old key stays in the keyring.
   */
  deriveKeys(label: string): Buffer[];
}

/** "kid1:base64key,kid0:oldkey" -> keyring; first = current. Each key must decode to exactly 32 bytes. */
export function parseKeyring(spec: string): { id: string; key: Buffer }[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new SecretBoxConfigError('no key given (expected "kid:base64key[,kid:oldkey]")');
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!KID.test(id)) throw new SecretBoxConfigError(`key ${i + 1}: expected "kid:base64key" with a key id of letters, digits, - or _`);
    if (seen.has(id)) throw new SecretBoxConfigError(`key id ${id} appears twice`);
    seen.add(id);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== 32)
      throw new SecretBoxConfigError(`key ${id}: must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
    return { id, key };
  });
}

export function generateKeyringEntry(id = 'dev1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

const derive = (key: Buffer, label: string): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `ledgerline:${label}`, 32));

export function createSecretBox(keyringSpec: string): SecretBox {
  const keys = parseKeyring(keyringSpec);
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const current = keys[0]!;
  const undecryptable = (why: string) => new Error(`A stored secret cannot be decrypted (${why}). Check SECRETS_ENCRYPTION_KEYS.`);
  const box: SecretBox = {
    currentKeyId: current.id,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(`${PREFIX}${current.id}`));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${current.id}:${iv.toString('base64url')}:${data.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
    },
    decrypt(stored) {
      if (!stored.startsWith(PREFIX)) throw undecryptable('not an encrypted value');
      const parts = stored.slice(PREFIX.length).split(':');
      if (parts.length !== 4) throw undecryptable('malformed');
      const [kid, ivPart, dataPart, tagPart] = parts as [string, string, string, string];
      const key = byId.get(kid);
      if (!key) throw undecryptable(`key id ${kid} is not in the keyring`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart, 'base64url'));
        decipher.setAAD(Buffer.from(`${PREFIX}${kid}`));
        decipher.setAuthTag(Buffer.from(tagPart, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(dataPart, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw undecryptable('authentication failed');
      }
    },
    isEncrypted: (value) => value.startsWith(PREFIX),
    keyIdOf: (value) => (value.startsWith(PREFIX) ? (value.slice(PREFIX.length).split(':')[0] ?? null) : null),
    deriveKey: (label) => derive(current.key, label),
    deriveKeys: (label) => keys.map((k) => derive(k.key, label)),
  };
  return box;
}

/** What a surface may show of a secret: its last 4 characters, never more (nothing for short secrets). */
export function maskLast4(plain: string | null | undefined): string | null {
  if (!plain) return null;
  return plain.length >= 12 ? `••••${plain.slice(-4)}` : '••••';
}

/**
 * The plaintext of a stored secret. A value not in our stored form is a legacy plaintext one written before
 * encryption existed (the start-up migration encrypts those; see migrateSecretsAtRest): read as is.
 */
export function openSecret(box: SecretBox, stored: string): string {
  return box.isEncrypted(stored) ? box.decrypt(stored) : stored;
}
