// Secrets at rest: AES-256-GCM with key ids (round trip, rotation, tampering, unknown key), the start-up
// migration that encrypts plaintext TaxJar keys (idempotent, never overwriting a concurrent save), TaxJar
// still working with an encrypted key, and connection secrets never stored or shown in the clear.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createConnectionService } from '../../../src/modules/payments-processor/connections/connection.service.js';
import { migrateSecretsAtRest, UnreadableSecretsError } from '../../../src/modules/tenants/secrets-at-rest.migration.js';
import { systemClock } from '../../../src/platform/clock.js';
import { REDACT_PATHS } from '../../../src/platform/logger.js';
import { createSecretBox, generateKeyringEntry, maskLast4, openSecret, parseKeyring } from '../../../src/platform/secret-box.js';
import { adminCtx } from '../../helpers/actors.js';
import { closeTestDb, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { createAuditService } from '../../../src/modules/audit/audit.service.js';
import { systemResolveHost } from '../../../src/platform/outbound/guarded-lookup.js';

const db = testDb();
const f = factories();
afterAll(() => closeTestDb());

describe('secret box', () => {
  const k1 = generateKeyringEntry('k1');
  const k0 = generateKeyringEntry('k0');

  it('encrypts with the first key, each time differently, and decrypts', () => {
    const box = createSecretBox(`${k1},${k0}`);
    const a = box.encrypt('tj_live_abcdef123456');
    const b = box.encrypt('tj_live_abcdef123456');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^enc:v1:k1:/);
    expect(a).not.toContain('abcdef');
    expect(box.decrypt(a)).toBe('tj_live_abcdef123456');
  });

  it('rotates: a value under the old key still decrypts after a new key is put first', () => {
    const old = createSecretBox(k0).encrypt('s3cret-value-0001');
    const rotated = createSecretBox(`${k1},${k0}`);
    expect(rotated.keyIdOf(old)).toBe('k0');
    expect(rotated.decrypt(old)).toBe('s3cret-value-0001');
    // Dropping the old key before re-encryption makes it unreadable, and says which key is missing.
    expect(() => createSecretBox(k1).decrypt(old)).toThrow(/key id k0 is not in the keyring/);
  });

  it('rotates across instances in passes: whichever pass an instance is in, it reads what any other wrote (docs/decisions/operating.md)', async () => {
    const tenant = await f.tenant({ taxjarApiKey: createSecretBox(k0).encrypt('tj_live_rolling_0001') });
    const before = createSecretBox(k0); // not restarted yet
    const pass1 = createSecretBox(`${k0},${k1}`); // knows the new key, still encrypts with the old
    const pass2 = createSecretBox(`${k1},${k0}`); // encrypts with the new; re-encrypts at start
    expect(await migrateSecretsAtRest(db, pass1)).toMatchObject({ taxjarKeys: 0 }); // nothing to re-encrypt yet
    const stored = async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).taxjarApiKey!;
    expect(before.decrypt(await stored())).toBe('tj_live_rolling_0001');
    // Pass 2 starts on one instance once every instance runs pass 1: it re-encrypts with k1 ...
    expect((await migrateSecretsAtRest(db, pass2)).taxjarKeys).toBeGreaterThanOrEqual(1);
    expect(pass2.keyIdOf(await stored())).toBe('k1');
    // ... which an instance still in pass 1 reads; one that skipped pass 1 could not (what the old advice did).
    const now = await stored();
    expect(pass1.decrypt(now)).toBe('tj_live_rolling_0001');
    expect(() => before.decrypt(now)).toThrow(/key id k1 is not in the keyring/);
    expect(pass2.decrypt(pass1.encrypt('written-in-pass-1'))).toBe('written-in-pass-1');
    // The migration tests below run their own keyrings over the whole table.
    await db.tenant.delete({ where: { id: tenant.id } });
  });

  it('refuses tampered ciphertext and a relabelled key id, without echoing the value', () => {
    const box = createSecretBox(`${k1},${k0}`);
    const v = box.encrypt('very-secret-token');
    const parts = v.split(':');
    const flipped = [
      ...parts.slice(0, 4),
      Buffer.from('x' + Buffer.from(parts[4]!, 'base64url').toString('latin1').slice(1), 'latin1').toString('base64url'),
      parts[5],
    ].join(':');
    expect(() => box.decrypt(flipped)).toThrow(/authentication failed/);
    const relabelled = v.replace('enc:v1:k1:', 'enc:v1:k0:');
    expect(() => box.decrypt(relabelled)).toThrow(/authentication failed/);
    try {
      box.decrypt(flipped);
    } catch (err) {
      expect(String(err)).not.toContain('very-secret-token');
    }
  });

  it('parses keyrings strictly and masks to the last 4 characters', () => {
    expect(() => parseKeyring('')).toThrow(/no key/);
    expect(() => parseKeyring('nokid')).toThrow(/kid:base64key/);
    expect(() => parseKeyring('a:Zm9v')).toThrow(/32 random bytes/);
    expect(maskLast4('EL0123456789abcd')).toBe('••••abcd');
    expect(maskLast4('short')).toBe('••••');
    expect(openSecret(createSecretBox(k1), 'legacy-plain')).toBe('legacy-plain');
  });
});

describe('start-up migration of plaintext secrets', () => {
  it('encrypts plaintext TaxJar keys and re-encrypts old-key values; a second run changes nothing', async () => {
    const k0 = generateKeyringEntry('k0');
    const k1 = generateKeyringEntry('k1');
    const plain = await f.tenant({ taxjarApiKey: 'tj_plaintext_key_0001' });
    const underOld = await f.tenant({ taxjarApiKey: createSecretBox(k0).encrypt('tj_old_key_0002') });
    const none = await f.tenant({ taxjarApiKey: null });
    const box = createSecretBox(`${k1},${k0}`);

    const first = await migrateSecretsAtRest(db, box);
    expect(first.taxjarKeys).toBeGreaterThanOrEqual(2);
    const after = await db.tenant.findMany({ where: { id: { in: [plain.id, underOld.id, none.id] } }, orderBy: { createdAt: 'asc' } });
    const byId = new Map(after.map((t) => [t.id, t.taxjarApiKey]));
    expect(byId.get(plain.id)).toMatch(/^enc:v1:k1:/);
    expect(byId.get(underOld.id)).toMatch(/^enc:v1:k1:/);
    expect(byId.get(none.id)).toBeNull();
    expect(box.decrypt(byId.get(plain.id)!)).toBe('tj_plaintext_key_0001');
    expect(box.decrypt(byId.get(underOld.id)!)).toBe('tj_old_key_0002');

    const second = await migrateSecretsAtRest(db, box);
    expect(second).toEqual({ taxjarKeys: 0, connections: 0 });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: plain.id } })).taxjarApiKey).toBe(byId.get(plain.id));
  });

  it('names every shop whose secret the keyring cannot read, and still re-encrypts the others (it stopped at the first, naming none)', async () => {
    const gone = generateKeyringEntry('gone');
    const k0 = generateKeyringEntry('k0');
    const k1 = generateKeyringEntry('k1');
    const lost = await f.tenant({ name: 'Lost Key Shop', taxjarApiKey: createSecretBox(gone).encrypt('tj_lost_0001') });
    const fine = await f.tenant({ name: 'Fine Shop', taxjarApiKey: createSecretBox(k0).encrypt('tj_fine_0002') });
    const box = createSecretBox(`${k1},${k0}`);
    const err = await migrateSecretsAtRest(db, box).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableSecretsError);
    expect((err as UnreadableSecretsError).unreadable).toContain(
      `shop "Lost Key Shop" (${lost.id}): its TaxJar API key: key id gone is not in the keyring`,
    );
    expect((err as Error).message).toMatch(/Put the missing key back in SECRETS_ENCRYPTION_KEYS/);
    const after = (await db.tenant.findUniqueOrThrow({ where: { id: fine.id } })).taxjarApiKey!;
    expect(box.decrypt(after)).toBe('tj_fine_0002');
    expect(box.keyIdOf(after)).toBe('k1');
    // The migration tests run their keyrings over the whole table.
    await db.tenant.deleteMany({ where: { id: { in: [lost.id, fine.id] } } });
  });
});

describe('connection secrets', () => {
  it('are stored encrypted, shown only as the last 4 characters, and kept when a form leaves them empty', async () => {
    const box = createSecretBox(generateKeyringEntry('c1'));
    const connections = createConnectionService({
      db,
      clock: systemClock,
      secrets: box,
      audit: createAuditService({ db }),
      adapters: {},
      urls: {},
      outbound: { policy: { production: false }, resolveHost: systemResolveHost },
    });
    const tenant = await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
    const ctx = adminCtx(tenant.id);
    const view = await connections.connect(ctx, {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLclient01', webhookId: 'WH-1' },
      secrets: { clientSecret: 'EL-secret-value-9876' },
    });
    expect(view.secretHints).toEqual({ clientSecret: '••••9876' });
    expect(JSON.stringify(view)).not.toContain('EL-secret-value');
    const row = await db.paymentConnection.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.secrets).toMatch(/^enc:v1:c1:/);
    expect(row.secrets).not.toContain('EL-secret');
    await connections.connect(ctx, {
      provider: 'PAYPAL',
      environment: 'live',
      config: { clientId: 'AcLclient01', webhookId: 'WH-2' },
      secrets: { clientSecret: '' },
    });
    const loaded = await connections.load({ id: view.id }).catch((e: unknown) => e);
    // No PayPal adapter in this service: the secret is still there, the adapter is not.
    expect(String(loaded)).toMatch(/not available on this server/);
    expect(JSON.parse(box.decrypt((await db.paymentConnection.findUniqueOrThrow({ where: { id: view.id } })).secrets!))).toEqual({
      clientSecret: 'EL-secret-value-9876',
    });
    // The audit trail names what changed, never the values.
    const audit = await db.auditLog.findMany({ where: { entityId: view.id } });
    expect(JSON.stringify(audit)).not.toContain('EL-secret-value');
    // Bad input writes nothing.
    await expect(connections.connect(ctx, { provider: 'PAYPAL', environment: 'prod', config: {}, secrets: {} })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      connections.connect(ctx, { provider: 'SQUARE', environment: 'sandbox', config: { locationId: 'L1' }, secrets: {} }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await db.paymentConnection.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it('never reach a log line (redaction of every secret field name)', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += chunk;
        cb();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info(
      {
        conn: {
          clientSecret: 'pp-secret-1',
          accessToken: 'sq-token-2',
          webhookSecret: 'btc-whsec-3',
          webhookSignatureKey: 'sq-sig-4',
          secrets: 'enc:v1:x',
        },
        req: { headers: { 'paypal-transmission-sig': 'sig-5' } },
      },
      'connection',
    );
    for (const secret of ['pp-secret-1', 'sq-token-2', 'btc-whsec-3', 'sq-sig-4', 'enc:v1:x', 'sig-5']) expect(out).not.toContain(secret);
  });
});
