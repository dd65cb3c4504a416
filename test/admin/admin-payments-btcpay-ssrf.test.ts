// The BTCPay server URL is the shop's to type and the server's to call: Settings -> Payments (save, Test connection)
// must not make the server reach an address inside its own network (the audit's SSRF:
// docs/decisions/square-and-btcpay.md, "Server-side requests to the shop's BTCPay Server"). An "internal" listener
// on 127.0.0.1 stands for such a service: it counts every TCP connection, so even a TLS attempt would show.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BtcPayAdapter } from '../../src/modules/payments-processor/providers/btcpay/btcpay.adapter.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const f = factories();
let internal: Server;
let port: number;
const connections: Socket[] = [];
const requests: { method?: string; url?: string }[] = [];
/** What the fake DNS answers for each name (the test re-points one between save and test: DNS rebinding). */
const dns = new Map<string, string>();

beforeAll(async () => {
  internal = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method, url: req.url });
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'internal', message: 'INTERNAL-ONLY: db password is hunter2' }));
  });
  internal.on('connection', (s: Socket) => connections.push(s));
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  port = (internal.address() as AddressInfo).port;
});
afterAll(async () => {
  internal?.closeAllConnections();
  await new Promise((r) => internal?.close(r));
});

const resolveHost = async (host: string) => {
  const address = dns.get(host);
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

const payments = (admin: AdminAgent, data: Record<string, unknown>) =>
  admin.agent.post('/admin/api/resources/PaymentConnection/actions/list').set(admin.headers()).send(data).expect(200);
const save = (admin: AdminAgent, serverUrl: string) =>
  payments(admin, {
    op: 'save',
    provider: 'BTCPAY',
    environment: 'production',
    config: { serverUrl, storeId: 'StoreA' },
    secrets: { apiKey: 'k', webhookSecret: 'w' },
  });

describe('in production', () => {
  let app: RunningAdmin;
  const skipBundle = process.env.ADMIN_JS_SKIP_BUNDLE;
  beforeAll(async () => {
    // The app runs as production in a process that does not (vitest's NODE_ENV is 'test'), so AdminJS never
    // bundles the components, and the panel's first request waited out the whole wait for that bundle
    // (index.ts: 2 minutes). The panel serves the run's prebuilt bundle (setup-file.ts), as a production build
    // serves its own: say so as such a build does. Put back afterwards: the worker runs other files next.
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
    app = await startAdminApp({
      env: {
        NODE_ENV: 'production',
        DISCORD_DEFER_AFTER_MS: '2500',
        DISCORD_PUBLIC_KEY: 'a'.repeat(64),
        DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://x@127.0.0.1/x',
        PUBLIC_BASE_URL: 'https://shop.example',
      },
      resolveHost,
    });
  });
  afterAll(async () => {
    await app?.close();
    if (skipBundle === undefined) delete process.env.ADMIN_JS_SKIP_BUNDLE;
    else process.env.ADMIN_JS_SKIP_BUNDLE = skipBundle;
  });

  it('refuses to save a server URL on a private, loopback or link-local address, in every notation, and calls nothing', async () => {
    const tenantId = (await f.tenant({})).id;
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
    dns.set('internal.shop.test', '10.0.0.5');
    dns.set('mapped.shop.test', '::ffff:7f00:1');
    const refusals: [string, RegExp][] = [
      // The auditor's URL: plain http, and a trailing '#' that cut off the API path.
      [`http://127.0.0.1:${port}/internal/admin/secrets#`, /#fragment/],
      [`http://127.0.0.1:${port}`, /must use https/],
      [`https://127.0.0.1:${port}`, /127\.0\.0\.1 is a private or local address; the BTCPay Server must be at a public one/],
      [`https://localhost:${port}`, /localhost is a private or local address/],
      [`https://0x7f.1:${port}`, /127\.0\.0\.1 is a private or local address/],
      [`https://[::ffff:127.0.0.1]:${port}`, /\[::ffff:7f00:1\] is a private or local address/],
      [`https://[::7f00:1]:${port}`, /\[::7f00:1\] is a private or local address/],
      [`https://[::1]:${port}`, /\[::1\] is a private or local address/],
      ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a private or local address/],
      ['https://[fd00::1]', /private or local address/],
      [`https://internal.shop.test:${port}`, /internal\.shop\.test resolves to 10\.0\.0\.5, a private or local address/],
      [`https://mapped.shop.test:${port}`, /mapped\.shop\.test resolves to ::ffff:7f00:1/],
      ['https://nowhere.shop.test', /does not resolve/],
      ['https://btcpay.example.com/?x=1', /\?query/],
      ['https://user:pw@btcpay.example.com', /user name or password/],
    ];
    for (const [url, why] of refusals) {
      const res = await save(admin, url);
      expect(res.body.payments.result, url).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^Invalid BTCPay Server .*serverUrl: /),
      });
      expect(res.body.payments.result.message, url).toMatch(why);
    }
    expect(await testDb().paymentConnection.count({ where: { tenantId } })).toBe(0);
    expect(connections).toHaveLength(0);
  }, 240_000); // the panel's first requests (AdminJS loaded on the first) are slow on a busy machine

  it('refuses at call time a name that resolves to a private address since it was saved (DNS rebinding): Test connection says so', async () => {
    const tenantId = (await f.tenant({})).id;
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
    dns.set('btcpay.shop.test', '93.184.216.34');
    const saved = await save(admin, `https://btcpay.shop.test:${port}`);
    expect(saved.body.payments.result.ok).toBe(true);
    // Re-pointed at the internal listener after the save.
    dns.set('btcpay.shop.test', '127.0.0.1');
    const tested = await payments(admin, { op: 'test', provider: 'BTCPAY' });
    expect(tested.body.payments.result).toEqual({
      ok: false,
      message: `BTCPay Server at https://btcpay.shop.test:${port} was not called: btcpay.shop.test resolves to 127.0.0.1, a private address. The server URL must be the BTCPay Server's public https:// address; correct it, save and test again.`,
    });
    expect(connections).toHaveLength(0);
    const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId } });
    expect(row).toMatchObject({ status: 'FAILED', lastTestOk: false });
  });

  it('refuses at call time a connection saved before the rule (a stored private URL is never called)', async () => {
    const tenantId = (await f.tenant({})).id;
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
    dns.set('old.shop.test', '93.184.216.34');
    await save(admin, 'https://old.shop.test');
    // As the old code let it be saved: the auditor's URL, written under the rule's nose.
    const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId } });
    await testDb().paymentConnection.update({
      where: { id: row.id },
      data: { config: { serverUrl: `http://127.0.0.1:${port}/internal/admin/secrets#`, storeId: 'StoreA' } },
    });
    const tested = await payments(admin, { op: 'test', provider: 'BTCPAY' });
    expect(tested.body.payments.result.ok).toBe(false);
    expect(tested.body.payments.result.message).toMatch(/was not called: The URL may not have a #fragment\./);
    expect(connections).toHaveLength(0);
  });
});

describe('in development and test (the local fakes listen on 127.0.0.1)', () => {
  let app: RunningAdmin;
  beforeAll(async () => {
    app = await startAdminApp({});
  });
  afterAll(async () => {
    await app?.close();
  });

  it("Test connection shows the answer's status and error code, never what the server said (panel, lastTestMessage, audit)", async () => {
    const tenantId = (await f.tenant({})).id;
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
    // The '#' trick is refused everywhere: it let the shop admin pick the path.
    expect((await save(admin, `http://127.0.0.1:${port}/internal/admin/secrets#`)).body.payments.result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/#fragment/),
    });
    expect((await save(admin, `http://127.0.0.1:${port}`)).body.payments.result.ok).toBe(true);
    const before = requests.length;
    const tested = await payments(admin, { op: 'test', provider: 'BTCPAY' });
    expect(requests.slice(before)).toEqual([{ method: 'GET', url: '/api/v1/api-keys/current' }]);
    const message: string = tested.body.payments.result.message;
    expect(message).toBe(
      `BTCPay Server at http://127.0.0.1:${port} did not show the API key's permissions (HTTP 400 internal), so they cannot be checked.`,
    );
    const row = await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId } });
    expect(row.lastTestMessage).toBe(message);
    const audit = await testDb().auditLog.findMany({ where: { tenantId, action: 'payment_connection.tested' } });
    expect(JSON.stringify(audit)).not.toContain('INTERNAL-ONLY');
  }, 240_000);

  it('follows no redirect (to a private address or anywhere)', async () => {
    const redirector = createServer((req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/internal/admin/secrets` });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      const before = requests.length;
      const adapter = new BtcPayAdapter({ timeoutMs: 5_000, outbound: { policy: { production: false } } });
      const result = await adapter.testConnection({
        provider: 'BTCPAY',
        serverUrl: url,
        storeId: 'StoreA',
        apiKey: 'k',
        webhookSecret: 'w',
      });
      expect(result).toEqual({
        ok: false,
        message: `BTCPay Server at ${url} answered with a redirect (HTTP 302), which is not followed: save the address it redirects to (open the URL in a browser to see it) and test again.`,
      });
      expect(requests.length).toBe(before);
    } finally {
      await new Promise((r) => redirector.close(r));
    }
  });
});
