// Settings -> Payments, the stale-form rule's edges (docs/decisions/admin-forms.md, "Stale forms"), through the
// panel's API as its component calls it:
// - a secrets key rotation between loading and saving refuses nothing by itself (the form's secret versions are
//   checked under every key of the keyring), while a secret really replaced after the rotation is still refused;
// - a short secret's refusal names who replaced it and when (its hint is "••••" before and after);
// - two admins creating the shop's first connection of a provider at once: the loser is refused in words and
//   nothing of its save is written (the winner's transaction held open until the loser's INSERT waits on it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSecretsAtRest } from '../../src/modules/tenants/secrets-at-rest.migration.js';
import { formatDateTime } from '../../src/platform/time-format.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const ROTATED_KEYS = `test2:${Buffer.alloc(32, 9).toString('base64')},${TEST_SECRETS_KEYS}`;

let before: RunningAdmin;
let after: RunningAdmin;
const f = factories();

beforeAll(async () => {
  before = await startAdminApp();
  // The same database after a rotation: the new key first, the old one still there to decrypt.
  after = await startAdminApp({ env: { SECRETS_ENCRYPTION_KEYS: ROTATED_KEYS } });
});
afterAll(async () => {
  await before?.close();
  await after?.close();
});

interface Page {
  result?: { ok: boolean; message: string };
  connections: { provider: string; loaded: unknown }[];
}

const post = async (who: AdminAgent, data: Record<string, unknown>): Promise<Page> =>
  (await who.agent.post('/admin/api/resources/PaymentConnection/actions/list').set(who.headers()).send(data).expect(200)).body
    .payments as Page;

async function open(who: AdminAgent): Promise<string> {
  const res = await who.agent.get('/admin/api/resources/PaymentConnection/actions/list').set(who.headers()).expect(200);
  const conn = (res.body.payments as Page).connections.find((c) => c.provider === 'PAYPAL');
  return conn ? JSON.stringify(conn.loaded) : '';
}

const paypal = (config: Record<string, string>, clientSecret: string, shown: string) => ({
  op: 'save',
  provider: 'PAYPAL',
  environment: 'sandbox',
  config,
  secrets: { clientSecret },
  shown,
});

/** The stored connection, every field, its secret decrypted by `app`. */
async function stored(app: RunningAdmin, tenantId: string) {
  const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId, provider: 'PAYPAL' } });
  const { conn } = await app.services.paymentConnections.load({ tenantId, provider: 'PAYPAL' });
  return {
    environment: row.environment,
    config: row.config,
    secretHints: row.secretHints,
    status: row.status,
    keyId: app.services.secrets.keyIdOf(row.secrets!),
    updatedAt: row.updatedAt.toISOString(),
    conn,
  };
}

async function shop(app: RunningAdmin) {
  const tenantId = (await f.tenant()).id;
  const emails = [(await f.adminUser({ tenantId })).email, (await f.adminUser({ tenantId })).email] as const;
  return { tenantId, emails, a: await loggedIn(app.baseUrl, emails[0]), b: await loggedIn(app.baseUrl, emails[1]) };
}

describe('Settings -> Payments: a secrets key rotation between loading and saving', () => {
  it('saves a form loaded before the rotation that keeps the secret; a secret replaced after it is still refused', async () => {
    const { tenantId, emails, a } = await shop(before);
    expect((await post(a, paypal({ clientId: 'AcLrot', webhookId: 'WH-1' }, 'EL-rotation-secret-1111', ''))).result?.ok).toBe(true);
    const oldTab = await open(a);
    const keptTab = await open(a);

    // The rotation: every instance has the new key first; the start-up migration re-encrypts every secret.
    await migrateSecretsAtRest(testDb(), after.services.secrets);
    expect((await stored(after, tenantId)).keyId).toBe('test2');

    // The form loaded before the rotation, saved after it (the same admin, now on an instance with the new key).
    const a2 = await loggedIn(after.baseUrl, emails[0]);
    const saved = await post(a2, paypal({ clientId: 'AcLrot', webhookId: 'WH-2' }, '', oldTab));
    expect(saved.result).toMatchObject({ ok: true, message: expect.stringMatching(/^PayPal saved\./) });
    const now = await stored(after, tenantId);
    expect(now).toMatchObject({
      environment: 'sandbox',
      config: { clientId: 'AcLrot', webhookId: 'WH-2' },
      secretHints: { clientSecret: '••••1111' },
      status: 'UNTESTED',
      keyId: 'test2',
      conn: { clientId: 'AcLrot', webhookId: 'WH-2', clientSecret: 'EL-rotation-secret-1111' },
    });

    // A colleague replaces the secret after the rotation: a form loaded before both is refused, naming it.
    const b2 = await loggedIn(after.baseUrl, emails[1]);
    expect((await post(b2, paypal({ clientId: 'AcLrot', webhookId: 'WH-2' }, 'EL-rotation-secret-2222', await open(b2)))).result?.ok).toBe(
      true,
    );
    const replaced = await stored(after, tenantId);
    const refused = await post(a2, paypal({ clientId: 'AcLrot-2', webhookId: 'WH-1' }, '', keptTab));
    expect(refused.result).toEqual({
      ok: false,
      message:
        'The PayPal connection changed since you opened it (client secret ••••1111 -> ••••2222). Reload the page, make your change again and save.',
    });
    expect(await stored(after, tenantId)).toEqual(replaced);
  });
});

describe('Settings -> Payments: a short secret replaced since the form loaded', () => {
  it('is refused in words that say who replaced it and when, never the secret', async () => {
    const { tenantId, emails, a, b } = await shop(before);
    expect((await post(a, paypal({ clientId: 'AcLshort', webhookId: 'WH-1' }, 'short-1', ''))).result?.ok).toBe(true);
    const oldTab = await open(a);
    expect(JSON.parse(oldTab).secretHints).toEqual({ clientSecret: '••••' });

    expect((await post(b, paypal({ clientId: 'AcLshort', webhookId: 'WH-1' }, 'short-2', await open(b)))).result?.ok).toBe(true);
    const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId, provider: 'PAYPAL' } });
    const replacedAt = await testDb().auditLog.findFirstOrThrow({
      where: { tenantId, entityId: row.id, action: 'payment_connection.updated' },
      orderBy: { createdAt: 'desc' },
    });
    const kept = await stored(before, tenantId);

    const refused = await post(a, paypal({ clientId: 'AcLshort', webhookId: 'WH-2' }, '', oldTab));
    const words = `client secret replaced by ${emails[1]} at ${formatDateTime(replacedAt.createdAt, 'UTC')}`;
    expect(refused.result).toEqual({
      ok: false,
      message: `The PayPal connection changed since you opened it (${words}). Reload the page, make your change again and save.`,
    });
    expect(refused.result?.message).not.toMatch(/short-[12]/);
    expect(await stored(before, tenantId)).toEqual(kept);
    expect(kept.conn).toMatchObject({ clientId: 'AcLshort', webhookId: 'WH-1', clientSecret: 'short-2' });
  });
});

describe("Settings -> Payments: two admins saving the shop's first PayPal connection at once", () => {
  it('refuses the one whose save meets the other in words, and writes nothing of it', async () => {
    const { tenantId, a, b } = await shop(before);
    const aTab = await open(a);
    const bTab = await open(b);
    expect([aTab, bTab]).toEqual(['', '']);

    // The colleague's save, held open after its INSERT: this admin's save reads no connection and inserts too.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedNow = new Promise<void>((resolve) => (inserted = resolve));
    const colleague = testDb().$transaction(
      async (tx) => {
        await tx.paymentConnection.create({
          data: {
            tenantId,
            provider: 'PAYPAL',
            environment: 'sandbox',
            config: { clientId: 'AcLfirst-b', webhookId: 'WH-B' },
            secrets: before.services.secrets.encrypt(JSON.stringify({ clientSecret: 'EL-first-secret-bbbb' })),
            secretHints: { clientSecret: '••••bbbb' },
          },
        });
        inserted();
        await held;
      },
      { timeout: 120_000 },
    );
    await insertedNow;
    const colleaguePid = (
      await testDb().$queryRaw<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`
    ).map((r) => r.pid);
    expect(colleaguePid).toHaveLength(1);
    const auditBefore = await testDb().auditLog.count({ where: { tenantId } });

    const saving = post(a, paypal({ clientId: 'AcLfirst-a', webhookId: 'WH-A' }, 'EL-first-secret-aaaa', aTab));
    await waitFor('the save waits for the colleague', async () => {
      const [row] = await testDb().$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND ${colleaguePid[0]!}::int = ANY(pg_blocking_pids(pid))`;
      return (row?.n ?? 0) > 0;
    });
    release();
    await colleague;

    expect((await saving).result).toEqual({
      ok: false,
      message:
        'PayPal was connected by someone else while you filled in this form, so your save was not made. Reload the page to see the connection as it is now, then make your change again.',
    });
    const rows = await testDb().paymentConnection.findMany({ where: { tenantId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ environment: 'sandbox', config: { clientId: 'AcLfirst-b', webhookId: 'WH-B' }, status: 'UNTESTED' });
    expect((await stored(before, tenantId)).conn).toMatchObject({ clientSecret: 'EL-first-secret-bbbb' });
    expect(await testDb().auditLog.count({ where: { tenantId } })).toBe(auditBefore);

    // Reloaded, the form shows the colleague's connection and a change saves over it.
    const saved = await post(a, paypal({ clientId: 'AcLfirst-b', webhookId: 'WH-A' }, '', await open(a)));
    expect(saved.result?.message).toMatch(/^PayPal saved\./);
    expect((await stored(before, tenantId)).conn).toMatchObject({
      clientId: 'AcLfirst-b',
      webhookId: 'WH-A',
      clientSecret: 'EL-first-secret-bbbb',
    });
  });
});
