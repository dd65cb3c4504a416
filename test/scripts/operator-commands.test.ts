// The operator commands end to end, as an operator runs them against a scratch database: shop:create,
// admin:create (platform admin, shop admin, staff), admin:password-reset and apikey:create (its --access).
// Each prints what it did; a generated password is printed once, a password given on stdin never is.
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { sha256Hex, verifyPassword } from '../../src/platform/crypto.js';
import { createTestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { runOperatorCommand } from '../helpers/operator-command.js';

// A budget for a command that hangs: starting tsx took over 25 s with the machine's two cores busy.
const RUN_BUDGET_MS = 100_000;

function run(
  script: string,
  args: string[],
  stdin?: string,
  env: Record<string, string> = { DATABASE_URL: testDatabaseUrl() },
): Promise<{ code: number | null; out: string }> {
  return runOperatorCommand(script, args, { env, stdin, budgetMs: RUN_BUDGET_MS });
}

const printedPassword = (out: string) => /\n {2}(\S{20,})\n/.exec(out)?.[1];

describe('discord:register', { timeout: RUN_BUDGET_MS + 20_000 }, () => {
  it('runs in production with only the Discord variables, and says when Discord makes it wait', async () => {
    const fake = await new FakeDiscordApi().start();
    try {
      // A global rate limit first: @discordjs/rest waits it out; the command used to sit silent meanwhile.
      fake.fail({
        method: 'PUT',
        path: /^\/applications\/\d+\/guilds\/\d+\/commands$/,
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 1, global: true },
        headers: { 'retry-after': '1', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      });
      const guild = snowflake();
      const r = await run('discord-register', ['--guild', guild], undefined, {
        NODE_ENV: 'production', // no DATABASE_URL, no SESSION_SECRET...: it used to refuse to run
        DISCORD_APPLICATION_ID: '100000000000000001',
        DISCORD_BOT_TOKEN: 'register-test-token-not-real-0000',
        DISCORD_API_BASE_URL: fake.apiBase,
      });
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/Discord is rate limiting this bot \(global limit\): waiting \d+ s, then trying again/);
      expect(r.out).toContain(`in guild ${guild} (available now)`);
      expect(r.out).not.toContain('required when NODE_ENV=production');
    } finally {
      await fake.stop();
    }
  });
});

describe('operator commands', { timeout: 2 * RUN_BUDGET_MS + 20_000 }, () => {
  const guildId = snowflake();
  let shopId: string;

  it('shop:create makes a shop linked to a Discord server, and refuses a server that already has one', async () => {
    const r = await run('shop-create', ['--name', 'Moth & Lamp', '--guild', guildId, '--currency', 'EUR', '--time-zone', 'Europe/Lisbon']);
    expect(r.code, r.out).toBe(0);
    const guild = await testDb().guild.findUniqueOrThrow({ where: { id: guildId }, include: { tenant: true } });
    shopId = guild.tenantId;
    expect(guild.tenant).toMatchObject({ name: 'Moth & Lamp', currency: 'EUR', timeZone: 'Europe/Lisbon' });
    expect(r.out).toContain(`Created shop Moth & Lamp (${shopId}, EUR, Europe/Lisbon) linked to Discord server Moth & Lamp (${guildId})`);
    expect(r.out).not.toContain('UTC until');

    const again = await run('shop-create', ['--name', 'Other', '--guild', guildId]);
    expect(again.code).toBe(1);
    expect(again.out).toContain(`already linked to the shop Moth & Lamp (${shopId})`);
    expect(await testDb().tenant.count({ where: { name: 'Other' } })).toBe(0);
  });

  it('shop:create without a time zone says the shop is on UTC until one is set, and refuses a zone that is not one', async () => {
    const plainGuild = snowflake();
    const r = await run('shop-create', ['--name', 'Plain Shop', '--guild', plainGuild]);
    expect(r.code, r.out).toBe(0);
    const guild = await testDb().guild.findUniqueOrThrow({ where: { id: plainGuild }, include: { tenant: true } });
    expect(guild.tenant).toMatchObject({ currency: 'USD', timeZone: 'UTC' });
    expect(r.out).toContain('(dashboard, exports, tax report) are UTC until its time zone is set');

    const badGuild = snowflake();
    const bad = await run('shop-create', ['--name', 'Mars Shop', '--guild', badGuild, '--time-zone', 'Mars/Olympus_Mons']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('an IANA time zone name');
    expect(await testDb().guild.count({ where: { id: badGuild } })).toBe(0);
    expect(await testDb().tenant.count({ where: { name: 'Mars Shop' } })).toBe(0);
  });

  it('admin:create makes a shop admin for a named shop with a generated password printed once', async () => {
    const r = await run('admin-create', ['--email', 'Owner@Moth.example', '--shop', 'Moth & Lamp']);
    expect(r.code, r.out).toBe(0);
    const user = await testDb().adminUser.findUniqueOrThrow({ where: { email: 'owner@moth.example' } });
    expect(user).toMatchObject({ role: 'TENANT_ADMIN', tenantId: shopId });
    expect(r.out).toContain(`Created shop admin of Moth & Lamp (${shopId}): owner@moth.example, id ${user.id}.`);
    const password = printedPassword(r.out);
    expect(password).toBeDefined();
    expect(await verifyPassword(password!, user.passwordHash)).toBe(true);

    const dup = await run('admin-create', ['--email', 'owner@moth.example', '--shop', shopId]);
    expect(dup.code).toBe(1);
    expect(dup.out).toContain('already exists');
  });

  it('admin:create makes a platform admin with a password from stdin, which it never prints', async () => {
    const secret = 'my own long passphrase 42';
    const r = await run('admin-create', ['--email', 'ops@platform.example', '--password-stdin'], `${secret}\n`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain(secret);
    expect(r.out).toContain('Created platform admin (every shop): ops@platform.example');
    expect(r.out).toContain('the one read from stdin (not shown)');
    const user = await testDb().adminUser.findUniqueOrThrow({ where: { email: 'ops@platform.example' } });
    expect(user).toMatchObject({ role: 'PLATFORM_ADMIN', tenantId: null });
    expect(await verifyPassword(secret, user.passwordHash)).toBe(true);

    const short = await run('admin-create', ['--email', 'short@platform.example', '--password-stdin'], 'tooshort\n');
    expect(short.code).toBe(1);
    expect(short.out).toContain('at least 12 characters');
    expect(short.out).not.toContain('tooshort');
  });

  it('admin:create says what is wrong with its arguments', async () => {
    const r = await run('admin-create', ['--shop', 'x']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('missing --email');
    expect(r.out).toContain('Usage: npm run admin:create');
    const unknown = await run('admin-create', ['--email', 'a@b.example', '--shop', 'No such shop']);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain('no shop has the id or name "No such shop"');
  });

  it('admin:password-reset sets a new password and ends every panel session of that admin', async () => {
    const db = testDb();
    const user = await db.adminUser.findUniqueOrThrow({ where: { email: 'owner@moth.example' } });
    const other = await db.adminUser.findUniqueOrThrow({ where: { email: 'ops@platform.example' } });
    const session = (sid: string, id: string) => ({
      sid,
      sess: { cookie: {}, adminUser: { id } },
      expire: new Date(Date.now() + 3_600_000),
    });
    await db.adminSession.createMany({
      data: [session('s-owner-1', user.id), session('s-owner-2', user.id), session('s-other', other.id)],
    });

    const r = await run('admin-password-reset', ['--email', 'owner@moth.example']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Password reset for owner@moth.example (${user.id}); 2 panel sessions ended.`);
    const fresh = await db.adminUser.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(printedPassword(r.out)!, fresh.passwordHash)).toBe(true);
    expect(fresh.passwordHash).not.toBe(user.passwordHash);
    expect((await db.adminSession.findMany({ select: { sid: true } })).map((s) => s.sid)).toEqual(['s-other']);

    const missing = await run('admin-password-reset', ['--email', 'nobody@moth.example']);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('no admin has the email nobody@moth.example');
  });

  it('apikey:create needs --access, read-only or read-write, and creates nothing without it', async () => {
    const before = await testDb().apiKey.count({ where: { tenantId: shopId } });
    const none = await run('apikey-create', ['--tenant', shopId, '--name', 'Books']);
    expect(none.code).toBe(2);
    expect(none.out).toContain('Say what the key may do with --access read-only or --access read-write.');
    expect(none.out).toContain('--access read-only    GET requests only');
    const wrong = await run('apikey-create', ['--tenant', shopId, '--name', 'Books', '--access', 'readonly']);
    expect(wrong.code).toBe(2);
    expect(wrong.out).toContain('--access must be read-only or read-write, not "readonly".');
    expect(await testDb().apiKey.count({ where: { tenantId: shopId } })).toBe(before);
  });

  it('apikey:create --access read-only makes a key that reads and is refused a refund; read-write one that is not', async () => {
    const printedKey = (out: string) => /\n {2}(ll_live_[A-Za-z0-9_-]{32})\n/.exec(out)?.[1];
    const ro = await run('apikey-create', ['--tenant', 'Moth & Lamp', '--name', 'Books', '--access', 'read-only']);
    expect(ro.code, ro.out).toBe(0);
    expect(ro.out).toContain('Access: Read only (GET requests only');
    const rw = await run('apikey-create', ['--tenant', shopId, '--name', 'Fulfilment', '--access', 'read-write']);
    expect(rw.code, rw.out).toBe(0);
    expect(rw.out).toContain('Access: Read and write (every request, including refunds).');
    const [roKey, rwKey] = [printedKey(ro.out)!, printedKey(rw.out)!];

    const rows = await testDb().apiKey.findMany({ where: { tenantId: shopId }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((k) => [k.name, k.access, k.hash])).toEqual([
      ['Books', 'READ_ONLY', sha256Hex(roKey)],
      ['Fulfilment', 'READ_WRITE', sha256Hex(rwKey)],
    ]);
    const created = await testDb().auditLog.findMany({
      where: { tenantId: shopId, action: 'api_key.created' },
      orderBy: { createdAt: 'asc' },
    });
    expect(created.map((e) => [e.actorType, (e.after as { access?: string }).access])).toEqual([
      ['SYSTEM', 'READ_ONLY'],
      ['SYSTEM', 'READ_WRITE'],
    ]);

    const t = await createTestApp();
    try {
      const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
      await request(t.app).get('/api/v1/products').set(bearer(roKey)).expect(200);
      const refused = await request(t.app).post('/api/v1/orders/ord_none/refunds').set(bearer(roKey)).send({}).expect(403);
      expect(refused.body.error.code).toBe('API_KEY_READ_ONLY');
      // The read-and-write key reaches the route (no such order: 404, not 403).
      await request(t.app).post('/api/v1/orders/ord_none/refunds').set(bearer(rwKey)).send({}).expect(404);
    } finally {
      await t.services.close();
    }
  });
});
