// Shop settings -> Admin channel takes only a text channel of the shop's own Discord server (modules/tenants/
// admin-channel.ts). In Chromium, against the fake Discord API, which places each channel in one server (GET
// /guilds/{id}/channels, GET /channels/{id} with its guild_id): another shop's channel, typed into the form
// (Discord's channel list did not load, so the field takes an id), is refused under the field with nothing
// saved and every other field as typed; a channel of the shop's own server is saved, and read back by name.
// Screenshots in test-output/admin-channel-own-server/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)("Shop settings: the admin channel is one of the shop's own server's channels", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let discord: FakeDiscordApi;
  let shop: Awaited<ReturnType<ReturnType<typeof factories>['shop']>>;
  let other: Awaited<ReturnType<ReturnType<typeof factories>['shop']>>;

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    app = await startAdminApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
    shop = await f().shop({
      tenant: {
        name: 'Own Server Goods',
        enabledPaymentMethods: ['VENMO_P2P'],
        paymentInstructions: { VENMO_P2P: { handle: '@own', instructions: 'Pay @own on Venmo' } },
      },
    });
    other = await f().shop({ tenant: { name: 'Someone Else' } });
    // Each shop's admin channel is a text channel of its own server, as Discord would list it.
    discord.addChannel(shop.guild.id, { id: shop.tenant.adminChannelId!, name: 'shop-orders' });
    discord.addChannel(other.guild.id, { id: other.tenant.adminChannelId!, name: 'their-orders' });
    browser = await openBrowser('admin-channel-own-server');
    await browser.signIn(app.baseUrl, (await f().adminUser({ tenantId: shop.tenant.id })).email);
  }, 480_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await discord?.stop();
  });

  const input = (name: string) => browser.page.locator(`[name="${name}"]`).first();
  const row = () => db().tenant.findUniqueOrThrow({ where: { id: shop.tenant.id } });

  async function openEdit(name = 'Own Server Goods') {
    await browser.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${shop.tenant.id}/edit`);
    await expect.poll(() => input('name').inputValue(), { timeout: 60_000 }).toBe(name);
    await input('paymentInstructions.VENMO_P2P.handle').waitFor();
  }
  async function save(): Promise<{ notice?: { message: string; type: string } }> {
    const resp = await pressSave(browser.page, `/records/${shop.tenant.id}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }
  const typed = async () => ({
    name: await input('name').inputValue(),
    handle: await input('paymentInstructions.VENMO_P2P.handle').inputValue(),
    instructions: await input('paymentInstructions.VENMO_P2P.instructions').inputValue(),
    timeZone: await input('timeZone').inputValue(),
    adminChannelId: await input('adminChannelId').inputValue(),
  });

  it("another shop's channel is refused under the field, nothing saved, every field kept as typed", { timeout: 300_000 }, async () => {
    browser.reportFailure('cross-shop');
    const before = await row();
    // Discord's channel list does not load with the form (the bot may not list them): the field takes an id.
    // Every time, not once: the dashboard (opened at sign-in) asks Discord about the stored channel in the background,
    // and on a busy machine its call could take a one-time failure meant for the form.
    discord.fail({
      method: 'GET',
      path: new RegExp(`^/guilds/${shop.guild.id}/channels$`),
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
      times: Infinity,
    });
    await openEdit();
    await expect.poll(() => input('adminChannelId').evaluate((e) => e.tagName)).toBe('INPUT');
    await input('name').fill('Own Server Goods Ltd');
    await input('paymentInstructions.VENMO_P2P.handle').fill('@own-shop');
    await input('paymentInstructions.VENMO_P2P.instructions').fill('Pay @own-shop, note your order');
    await input('timeZone').fill('Europe/Berlin');
    await input('adminChannelId').fill(other.tenant.adminChannelId!);
    const answer = await save();
    await browser.shot('cross-shop-refused');
    expect(answer.notice?.type).toBe('error');
    // The notice names the field by its path, as every refused settings field's does; the words are under it.
    expect(answer.notice?.message).toBe(
      "adminChannelId: This is not a channel of this shop's Discord server: pick one of its text or announcement channels.",
    );
    await expect
      .poll(() => browser.page.getByTestId('multi-value-adminChannelId').innerText())
      .toContain("This is not a channel of this shop's Discord server");
    expect(await typed()).toEqual({
      name: 'Own Server Goods Ltd',
      handle: '@own-shop',
      instructions: 'Pay @own-shop, note your order',
      timeZone: 'Europe/Berlin',
      adminChannelId: other.tenant.adminChannelId,
    });
    expect(await row()).toEqual(before);
  });

  it("a channel of the shop's own server is saved, and read back by name", { timeout: 300_000 }, async () => {
    browser.reportFailure('own-channel');
    discord.reset(); // Discord lists the server's channels again
    const desk = discord.addChannel(shop.guild.id, { name: 'order-desk' });
    // The form is still the refused one, as typed: the own channel replaces the foreign id.
    await input('adminChannelId').fill(desk.id);
    const answer = await save();
    expect(answer.notice?.type, answer.notice?.message).toBe('success');
    expect(await row()).toMatchObject({
      name: 'Own Server Goods Ltd',
      adminChannelId: desk.id,
      timeZone: 'Europe/Berlin',
      paymentInstructions: { VENMO_P2P: { handle: '@own-shop', instructions: 'Pay @own-shop, note your order' } },
    });
    // Opened again, the channel list loads: the field is the picker, on the saved channel, by its name.
    await openEdit('Own Server Goods Ltd');
    await expect.poll(() => input('adminChannelId').evaluate((e) => e.tagName)).toBe('SELECT');
    expect(await input('adminChannelId').inputValue()).toBe(desk.id);
    expect(await browser.page.locator('select[name="adminChannelId"] option:checked').innerText()).toBe('#order-desk');
    await browser.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${shop.tenant.id}/show`);
    await expect
      .poll(() => browser.page.getByTestId('multi-value-show-adminChannelId').innerText(), { timeout: 60_000 })
      .toContain('#order-desk');
    await browser.shot('own-channel-shown');
  });
});
