// Settings -> Payments: a provider form opened before a colleague's save (docs/decisions/admin-forms.md, "Stale
// forms"). Through the panel's API as its component calls it, two shop admins each with the page loaded: the old
// tab's save keeping a secret the colleague replaced is refused (it paired an old client ID with the new secret),
// as is a field both changed and a save without the loaded connection; a change to another field is merged; a
// normal save and a first connection work. Every field of the row is read back. Fails on the old code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_OUT_OF_DATE } from '../../src/platform/form-edits.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

type Provider = 'PAYPAL' | 'SQUARE' | 'BTCPAY';
interface Page {
  result?: { ok: boolean; message: string };
  connections: { provider: string; loaded: unknown }[];
}

const post = async (who: AdminAgent, data: Record<string, unknown>): Promise<Page> =>
  (await who.agent.post('/admin/api/resources/PaymentConnection/actions/list').set(who.headers()).send(data).expect(200)).body
    .payments as Page;

/** Opens the page: the provider's form as it loaded (what the component posts back as `shown`). */
async function open(who: AdminAgent, provider: Provider): Promise<string> {
  const res = await who.agent.get('/admin/api/resources/PaymentConnection/actions/list').set(who.headers()).expect(200);
  const conn = (res.body.payments as Page).connections.find((c) => c.provider === provider);
  return conn ? JSON.stringify(conn.loaded) : '';
}

/** Whether a session of this database waits for a row lock (the save under test: nothing else runs here). */
async function waitingOnLock(): Promise<boolean> {
  const [row] = await testDb().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return (row?.n ?? 0) > 0;
}

/** The stored connection, every field (secrets decrypted). */
async function stored(tenantId: string, provider: Provider) {
  const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId, provider } });
  const { conn } = await app.services.paymentConnections.load({ tenantId, provider });
  return {
    environment: row.environment,
    config: row.config,
    secretHints: row.secretHints,
    status: row.status,
    updatedAt: row.updatedAt.toISOString(),
    conn,
  };
}

async function shop() {
  const tenantId = (await f.tenant()).id;
  const a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  const b = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  return { tenantId, a, b };
}

const paypal = (config: Record<string, string>, clientSecret = '', shown?: string) => ({
  op: 'save',
  provider: 'PAYPAL',
  environment: 'sandbox',
  config,
  secrets: { clientSecret },
  ...(shown === undefined ? {} : { shown }),
});

describe('Settings -> Payments: a form opened before someone else saved', () => {
  it("refuses an old tab's save that keeps a secret replaced since it loaded (the colleague's scenario)", async () => {
    const { tenantId, a, b } = await shop();
    const created = await post(a, paypal({ clientId: 'AcLold', webhookId: 'WH-1' }, 'EL-old-secret-1111', ''));
    expect(created.result).toMatchObject({ ok: true, message: expect.stringMatching(/^PayPal saved\./) });
    const oldTab = await open(a, 'PAYPAL');

    const colleague = await post(b, paypal({ clientId: 'AcLnew', webhookId: 'WH-1' }, 'EL-new-secret-2222', await open(b, 'PAYPAL')));
    expect(colleague.result?.ok).toBe(true);
    const before = await stored(tenantId, 'PAYPAL');

    const refused = await post(a, paypal({ clientId: 'AcLold', webhookId: 'WH-2' }, '', oldTab));
    expect(refused.result).toEqual({
      ok: false,
      message:
        'The PayPal connection changed since you opened it (client secret ••••1111 -> ••••2222). Reload the page, make your change again and save.',
    });
    const after = await stored(tenantId, 'PAYPAL');
    expect(after).toEqual(before);
    expect(after.config).toEqual({ clientId: 'AcLnew', webhookId: 'WH-1' });
    expect(after.conn).toMatchObject({ clientId: 'AcLnew', webhookId: 'WH-1', clientSecret: 'EL-new-secret-2222' });

    // Reloaded, the same change saves: with the colleague's client ID and secret.
    const saved = await post(a, paypal({ clientId: 'AcLnew', webhookId: 'WH-2' }, '', await open(a, 'PAYPAL')));
    expect(saved.result?.message).toMatch(/^PayPal saved\./);
    expect((await stored(tenantId, 'PAYPAL')).conn).toMatchObject({
      clientId: 'AcLnew',
      webhookId: 'WH-2',
      clientSecret: 'EL-new-secret-2222',
    });
  });

  it("compares under the connection's row lock: a colleague's save committed while this one waited is seen", async () => {
    const { tenantId, a } = await shop();
    await post(a, paypal({ clientId: 'AcLrace', webhookId: 'WH-1' }, 'EL-race-secret-1111', ''));
    const oldTab = await open(a, 'PAYPAL');

    // The colleague's save holds the row: a new secret, committed only once this save waits for the row.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedNow = new Promise<void>((resolve) => (locked = resolve));
    const colleague = testDb().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM payment_connections WHERE "tenantId" = ${tenantId} AND provider = 'PAYPAL' FOR UPDATE`;
        await tx.paymentConnection.updateMany({
          where: { tenantId, provider: 'PAYPAL' },
          data: {
            secrets: app.services.secrets.encrypt(JSON.stringify({ clientSecret: 'EL-race-secret-2222' })),
            secretHints: { clientSecret: '••••2222' },
          },
        });
        locked();
        await held;
      },
      { timeout: 120_000 },
    );
    await lockedNow;
    const saving = post(a, paypal({ clientId: 'AcLrace', webhookId: 'WH-2' }, '', oldTab));
    await waitFor('the save waits for the connection row', async () => waitingOnLock());
    release();
    await colleague;
    const before = await stored(tenantId, 'PAYPAL');

    expect((await saving).result).toEqual({
      ok: false,
      message:
        'The PayPal connection changed since you opened it (client secret ••••1111 -> ••••2222). Reload the page, make your change again and save.',
    });
    const after = await stored(tenantId, 'PAYPAL');
    expect(after).toEqual(before);
    expect(after.conn).toMatchObject({ clientId: 'AcLrace', webhookId: 'WH-1', clientSecret: 'EL-race-secret-2222' });
  });

  it('refuses a new secret typed for the client ID the form showed when a colleague changed the client ID since', async () => {
    const { tenantId, a, b } = await shop();
    await post(a, paypal({ clientId: 'AcLold', webhookId: 'WH-1' }, 'EL-old-secret-1111', ''));
    const oldTab = await open(a, 'PAYPAL');
    await post(b, paypal({ clientId: 'AcLnew', webhookId: 'WH-1' }, 'EL-new-secret-2222', await open(b, 'PAYPAL')));
    const before = await stored(tenantId, 'PAYPAL');

    const refused = await post(a, paypal({ clientId: 'AcLold', webhookId: 'WH-1' }, 'EL-rotated-secret-3333', oldTab));
    expect(refused.result).toEqual({
      ok: false,
      message:
        'The PayPal connection changed since you opened it (client id AcLold -> AcLnew). Reload the page, make your change again and save.',
    });
    expect(await stored(tenantId, 'PAYPAL')).toEqual(before);
    expect(before.conn).toMatchObject({ clientId: 'AcLnew', webhookId: 'WH-1', clientSecret: 'EL-new-secret-2222' });
  });

  it('refuses a field both changed, naming it, and writes nothing', async () => {
    const { tenantId, a, b } = await shop();
    await post(a, paypal({ clientId: 'AcLone', webhookId: 'WH-1' }, 'EL-secret-1111', ''));
    const oldTab = await open(a, 'PAYPAL');
    await post(b, paypal({ clientId: 'AcLone', webhookId: 'WH-B' }, '', await open(b, 'PAYPAL')));
    const before = await stored(tenantId, 'PAYPAL');

    // A new secret typed too: the webhook ID is still both admins' change.
    const refused = await post(a, paypal({ clientId: 'AcLone', webhookId: 'WH-A' }, 'EL-typed-3333', oldTab));
    expect(refused.result).toEqual({
      ok: false,
      message:
        'The PayPal connection changed since you opened it (webhook id WH-1 -> WH-B). Reload the page, make your change again and save.',
    });
    expect(await stored(tenantId, 'PAYPAL')).toEqual(before);
    expect(before.conn).toMatchObject({ clientId: 'AcLone', webhookId: 'WH-B', clientSecret: 'EL-secret-1111' });
  });

  it("merges a change to another field: the colleague's location stays, the application ID is saved (Square)", async () => {
    const { tenantId, a, b } = await shop();
    const square = (config: Record<string, string>, secrets: Record<string, string>, shown: string) => ({
      op: 'save',
      provider: 'SQUARE',
      environment: 'sandbox',
      config,
      secrets,
      shown,
    });
    await post(
      a,
      square(
        { locationId: 'L-1', applicationId: 'sq0idb-1' },
        { accessToken: 'EAAA-token-1111', webhookSignatureKey: 'sq-signature-key-5555' },
        '',
      ),
    );
    const oldTab = await open(a, 'SQUARE');
    await post(b, square({ locationId: 'L-2', applicationId: 'sq0idb-1' }, {}, await open(b, 'SQUARE')));

    const merged = await post(a, square({ locationId: 'L-1', applicationId: 'sq0idb-2' }, {}, oldTab));
    expect(merged.result?.message).toMatch(/^Square \(Cash App Pay\) saved\./);
    const after = await stored(tenantId, 'SQUARE');
    expect(after).toMatchObject({
      environment: 'sandbox',
      config: { locationId: 'L-2', applicationId: 'sq0idb-2' },
      secretHints: { accessToken: '••••1111', webhookSignatureKey: '••••5555' },
      status: 'UNTESTED',
    });
    expect(after.conn).toMatchObject({
      accessToken: 'EAAA-token-1111',
      webhookSignatureKey: 'sq-signature-key-5555',
      locationId: 'L-2',
      applicationId: 'sq0idb-2',
    });
  });

  it('a normal save writes the change; a save without the loaded connection is refused (BTCPay)', async () => {
    const { tenantId, a } = await shop();
    const btcpay = (storeId: string, secrets: Record<string, string>, shown?: string) => ({
      op: 'save',
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: 'https://btcpay.example', storeId },
      secrets,
      ...(shown === undefined ? {} : { shown }),
    });
    // A first connection: no row loaded, nothing to compare (also without `shown` at all).
    const created = await post(a, btcpay('St-1', { apiKey: 'btcpay-api-key-1111', webhookSecret: 'btcpay-hook-secret-2222' }));
    expect(created.result?.message).toMatch(/^BTCPay Server \(Bitcoin invoices\) saved\./);

    const saved = await post(a, btcpay('St-2', {}, await open(a, 'BTCPAY')));
    expect(saved.result?.message).toMatch(/^BTCPay Server \(Bitcoin invoices\) saved\./);
    const before = await stored(tenantId, 'BTCPAY');
    expect(before).toMatchObject({
      environment: 'production',
      config: { serverUrl: 'https://btcpay.example', storeId: 'St-2' },
      secretHints: { apiKey: '••••1111', webhookSecret: '••••2222' },
      status: 'UNTESTED',
    });
    expect(before.conn).toMatchObject({ apiKey: 'btcpay-api-key-1111', webhookSecret: 'btcpay-hook-secret-2222', storeId: 'St-2' });

    // An old tab (no loaded connection posted) or a form that loaded none, over the stored connection: refused.
    for (const shown of [undefined, '', '{"environment":"production"}']) {
      const refused = await post(a, btcpay('St-old', { apiKey: 'btcpay-old-key-9999' }, shown));
      expect(refused.result).toEqual({ ok: false, message: FORM_OUT_OF_DATE });
      expect(await stored(tenantId, 'BTCPAY')).toEqual(before);
    }
  });
});
