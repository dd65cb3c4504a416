// More panel actions clicked in Chromium that were covered through the API only: "Send invoice link by DM" on
// an order (the DM in the fake Discord, its Pay now link opening that order's invoice), "Check roles" on a
// product (what the fake Discord's server says, in words), a webhook endpoint's Edit (every column read back,
// the signing secret unchanged; a refused save keeps what was typed and says why under the field) and Delete
// (after its question), Settings -> Payments "Disconnect" (secrets and the last test's result erased, its
// methods switched off) and the Jobs page's Discard (a platform admin's, after the browser's question). Each is
// read back from the database, not only from the notice. Screenshots are kept in test-output/admin-more-actions/
// (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request as PwRequest } from 'playwright-core';
import request from 'supertest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../src/dev/fakes/fake-discord-guilds.js';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createSecretBox } from '../../src/platform/secret-box.js';
import { adminCtx } from '../helpers/actors.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = () => testDb();
const f = () => factories();

const PAYPAL_APP = { clientId: 'AcLmoreActions1', clientSecret: 'EL-more-actions-secret-2468' };

describe.skipIf(!runBrowserTests)('more panel actions, clicked', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let discord: FakeDiscordApi;
  let paypal: FakePayPal;
  let worker: WorkerHandle | undefined;
  let tenantId: string;
  let owner: { id: string; email: string };
  let signedInAs = '';

  beforeAll(async () => {
    discord = await new FakeDiscordApi().start();
    paypal = await new FakePayPal().start();
    paypal.addApp(PAYPAL_APP.clientId, PAYPAL_APP.clientSecret);
    app = await startAdminApp({
      env: {
        DISCORD_API_BASE_URL: discord.apiBase,
        PAYPAL_API_BASE_URL: paypal.url,
        PUBLIC_BASE_URL: 'http://shop.test',
      },
    });
    browser = await openBrowser('admin-more-actions');
    tenantId = (await f().tenant()).id;
    owner = await f().adminUser({ tenantId });
  }, 300_000);

  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await app?.close();
    await discord?.stop();
    await paypal?.stop();
  });

  async function signInAs(email: string) {
    if (signedInAs === email) return;
    await browser.signInForNextPage(app.baseUrl, email);
    signedInAs = email;
  }

  function onFailure(name: string) {
    browser.trail.length = 0;
    browser.reportFailure(name);
  }
  /** Failed panel requests (console noise such as the blocked font host left out). */
  const failedRequests = () => browser.trail.filter((t) => !t.startsWith('console:'));
  /**
   * Waits for a notice saying `text`. AdminJS drops a notice after about 3 s, so this waits for the one
   * expected rather than reading whichever notice shows.
   */
  const noticeSays = (text: string | RegExp) =>
    browser.page.locator('[data-testid="notice-wrapper"]').filter({ hasText: text }).first().waitFor({ state: 'attached' });

  /** Clicks a record action's button on its page; for a button with a question, confirms it. */
  async function clickAction(name: string, opts: { confirm?: boolean } = {}) {
    await browser.page.locator(`[data-testid="action-${name}"]`).first().click();
    if (opts.confirm) await browser.page.getByRole('button', { name: 'Confirm', exact: true }).click();
  }

  it('Send invoice link by DM: the customer gets a DM whose Pay now link opens this order', { timeout: 420_000 }, async () => {
    onFailure('send-invoice-link');
    const { page } = browser;
    // The notification job runs in a worker of this file's database (only that task: nothing else is sent).
    const task = `${EVENTS.invoiceLinkSent}>discord-notify`;
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: app.services.bus,
      logger: app.services.logger,
      concurrency: 1,
      pollIntervalMs: 100,
      crontab: false,
      tasks: (name) => name === task,
    });
    const customer = await f().customer({ tenantId, displayName: 'Dana Buyer' });
    const guild = await f().guild({ tenantId });
    const product = await f().product({ tenantId, name: 'Poster', unitPriceCents: 1800 });
    const order = await f().order({
      tenantId,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, name: product.name, quantity: 2, unitPriceCents: 1800 }],
    });
    await signInAs(owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    await page.locator('[data-testid="action-sendInvoiceLink"]').first().waitFor();
    expect(discord.directMessages().filter((m) => m.userId === customer.discordUserId)).toEqual([]);

    await clickAction('sendInvoiceLink', { confirm: true });
    await noticeSays(/Invoice link sent to the customer by DM \(valid until .+\)/);
    await browser.shot('send-invoice-link');

    // The DM, as the fake Discord received it: about this order, with a Pay now button.
    const dm = await waitFor('the invoice DM', () => discord.directMessages().find((m) => m.userId === customer.discordUserId));
    const body = dm.body as {
      embeds?: { title?: string; description?: string }[];
      components?: { components: { url?: string; label?: string }[] }[];
    };
    expect(body.embeds?.[0]?.title).toContain(`pay for order #${order.number}`);
    expect(body.embeds?.[0]?.description).toContain('$36.00');
    const button = body.components?.[0]?.components[0];
    expect(button?.label).toMatch(/Pay now/i);
    const url = new URL(String(button?.url));
    expect(url.origin).toBe('http://shop.test');
    // The link is this order's invoice page (signed for it; it opens on the app).
    const invoice = await request(app.app).get(url.pathname).expect(200);
    expect(invoice.text).toContain(`#${order.number}`);

    // In the database: the link's signing is on the order's trail, by whom; the DM is recorded as delivered.
    const entry = await db().auditLog.findFirstOrThrow({ where: { tenantId, entityId: order.id, action: 'order.invoice_link_created' } });
    expect([entry.actorType, entry.actorId]).toEqual(['PANEL_ADMIN', owner.id]);
    // (Recorded just after Discord accepted the message, so possibly a moment after the fake has it.)
    await waitFor(
      'the invoice DM recorded as delivered',
      async () =>
        (await db().$queryRaw<{ key: string }[]>`SELECT key FROM notification_deliveries WHERE key LIKE 'dm:invoice-link:%'`).length === 1,
    );
    // Exactly one DM for one click, and the order itself unchanged (still waiting for payment).
    expect(discord.directMessages().filter((m) => m.userId === customer.discordUserId)).toHaveLength(1);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect(failedRequests()).toEqual([]);
  });

  it(
    'Check roles: says what to fix while the bot is below the role, and that all is well once it is moved up',
    { timeout: 420_000 },
    async () => {
      onFailure('check-roles');
      const { page } = browser;
      // A shop of its own: its one server is the one the fake Discord knows (the check asks every server linked).
      const shop = await f().tenant();
      const shopOwner = await f().adminUser({ tenantId: shop.id });
      const guild = await f().guild({ tenantId: shop.id, name: 'Hobby Hub' });
      const vip = snowflake();
      const botRole = snowflake();
      discord.guilds.addGuild(guild.id, {
        roles: [
          { id: vip, name: 'VIP', position: 5, permissions: '0' },
          { id: botRole, name: 'Ledgerline', position: 2, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
        ],
        botRoleIds: [botRole],
      });
      const product = await f().product({ tenantId: shop.id, name: 'VIP pass', grantedRoleIds: [vip] });
      const before = await db().product.findUniqueOrThrow({ where: { id: product.id } });
      await signInAs(shopOwner.email);
      await page.goto(`${app.baseUrl}/admin/resources/Product/records/${product.id}/show`);
      await page.getByText('VIP pass').first().waitFor();

      const asked = discord.calls.length;
      await clickAction('checkRoles');
      await noticeSays('"Ledgerline" is below the product\'s role "VIP"');
      await browser.shot('check-roles-problem');
      // It asked the fake Discord for the server's roles, and changed nothing.
      expect(discord.calls.slice(asked).some((c) => c.path === `/guilds/${guild.id}/roles`)).toBe(true);

      discord.guilds.updateRole(guild.id, botRole, { position: 9 });
      await page.goto(`${app.baseUrl}/admin/resources/Product/records/${product.id}/show`);
      await page.getByText('VIP pass').first().waitFor();
      await clickAction('checkRoles');
      await noticeSays('The bot can give every role of this product.');
      await browser.shot('check-roles-ok');
      expect(await db().product.findUniqueOrThrow({ where: { id: product.id } })).toEqual(before);
      expect(failedRequests()).toEqual([]);
    },
  );

  it(
    'Webhook endpoint Edit: the form saves what was typed, every other column (the secret too) unchanged',
    { timeout: 420_000 },
    async () => {
      onFailure('webhook-edit');
      const { page } = browser;
      const { secret, endpoint } = await app.services.webhooks.create(adminCtx(tenantId), {
        url: 'https://erp.example.com/hooks',
        events: ['order.paid', 'order.refunded'],
        description: 'ERP',
      });
      const before = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      await signInAs(owner.email);
      const [loaded] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(`/api/resources/WebhookEndpoint/records/${endpoint.id}/edit`)),
        page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/edit`),
      ]);
      // The form is sent neither the secret nor its sealed form.
      const sent = await loaded.text();
      expect(sent).not.toContain(secret);
      expect(sent).not.toContain(before.secret);
      const url = page.locator('[name="url"]').first();
      await url.waitFor();
      await browser.shot('webhook-edit-1-form');
      expect(await url.inputValue()).toBe('https://erp.example.com/hooks');
      // Every field changed: URL, events (order.paid removed, order.cancelled added), description, disabled.
      await url.fill('https://erp.example.com/hooks/v2');
      await page.getByTestId('events.0').getByTestId('delete-item').click();
      await page.getByRole('button', { name: 'Add new item' }).click();
      await page.getByTestId('events.1').locator('input').first().fill('order.cancelled');
      await page.keyboard.press('Enter');
      await page.locator('[name="description"]').first().fill('ERP, version 2');
      // The box shows the stored value before it is clicked, and the click is read once React has re-rendered
      // (read at once, it failed one CI run on a busy machine: the click had not been rendered yet).
      const enabled = page.locator('#enabled');
      await expect.poll(() => enabled.isChecked()).toBe(true);
      await page.locator('label[for="enabled"]').first().click();
      await expect.poll(() => enabled.isChecked()).toBe(false);
      await browser.shot('webhook-edit-2-filled');
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      await noticeSays('Webhook endpoint saved. It is disabled: nothing is sent to it.');
      await browser.shot('webhook-edit-3-saved');

      const after = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(after).toEqual({
        ...before,
        url: 'https://erp.example.com/hooks/v2',
        events: ['order.cancelled', 'order.refunded'],
        description: 'ERP, version 2',
        enabled: false,
        updatedAt: expect.any(Date),
      });
      expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
      // The same signing secret, still sealed.
      expect(createSecretBox(TEST_SECRETS_KEYS).decrypt(after.secret)).toBe(secret);
      const trail = await db().auditLog.findFirstOrThrow({
        where: { tenantId, entityId: endpoint.id, action: 'webhook_endpoint.updated' },
      });
      expect([trail.actorType, trail.actorId]).toEqual(['PANEL_ADMIN', owner.id]);
      // The show page says what was saved.
      await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/show`);
      await page.getByText('https://erp.example.com/hooks/v2').first().waitFor();
      const shown = (await page.textContent('body')) ?? '';
      // The events as the form and the wire name them.
      for (const text of ['order.cancelled, order.refunded', 'ERP, version 2', 'No: disabled']) expect(shown).toContain(text);
      // order.paid, removed, is named only among the events not sent to it.
      expect(shown).toContain('Events not sentorder.created, order.paid, order.shipped');
      expect(shown.replace(/Events not sent.*?Not sent to this endpoint/, '')).not.toContain('order.paid');
      expect(shown).not.toContain('Order Cancelled');

      // Every event removed: the save is refused with the reason, and nothing changes.
      await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/edit`);
      await page.getByTestId('events.1').waitFor();
      await page.getByTestId('events.1').getByTestId('delete-item').click();
      await page.getByTestId('events.0').getByTestId('delete-item').click();
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      await noticeSays(/at least one event/);
      // Also under the field, where the owner looks after pressing Save (the notice goes after a few seconds).
      await page.getByTestId('property-edit-events').filter({ hasText: 'choose at least one event' }).waitFor();
      await browser.shot('webhook-edit-4-no-events');
      expect(await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toEqual(after);

      // A URL the policy refuses: said under the URL field, nothing saved.
      await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/edit`);
      await page.getByTestId('events.1').waitFor();
      await page.locator('[name="url"]').first().fill('ftp://erp.example.com/hooks');
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();
      await page.getByTestId('property-edit-url').filter({ hasText: 'The URL must start with https://' }).waitFor();
      await browser.shot('webhook-edit-5-bad-url');
      // The form keeps what was typed (not the stored URL, which AdminJS refilled it with under the error).
      expect(await page.locator('[name="url"]').first().inputValue()).toBe('ftp://erp.example.com/hooks');
      expect(await page.getByTestId('events.1').textContent()).toContain('order.refunded');
      expect(await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toEqual(after);
      expect(failedRequests()).toEqual([]);
    },
  );

  it('Webhook endpoint Delete: asks first, then the endpoint and its delivery log are gone', { timeout: 420_000 }, async () => {
    onFailure('webhook-delete');
    const { page } = browser;
    const keep = await app.services.webhooks.create(adminCtx(tenantId), { url: 'https://keep.example.com/hook', events: ['order.paid'] });
    const gone = await app.services.webhooks.create(adminCtx(tenantId), { url: 'https://gone.example.com/hook', events: ['order.paid'] });
    const delivery = await db().webhookDelivery.create({
      data: {
        tenantId,
        endpointId: gone.endpoint.id,
        eventType: 'order.paid',
        eventKey: 'order.paid:pay_gone',
        body: '{}',
        status: 'FAILED',
        attempts: 1,
      },
    });
    await signInAs(owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${gone.endpoint.id}/show`);
    await page.getByText('https://gone.example.com/hook').first().waitFor();
    await clickAction('delete');
    const confirm = page.getByRole('button', { name: 'Confirm', exact: true });
    await confirm.waitFor();
    // AdminJS asks first; the row is still there while it asks.
    expect(await db().webhookEndpoint.count({ where: { id: gone.endpoint.id } })).toBe(1);
    await confirm.click();
    await page.waitForURL((u) => u.pathname.endsWith('/resources/WebhookEndpoint'), { timeout: 60_000 });
    await noticeSays('Webhook endpoint https://gone.example.com/hook deleted with its delivery log.');
    await browser.shot('webhook-deleted');

    expect(await db().webhookEndpoint.count({ where: { id: gone.endpoint.id } })).toBe(0);
    expect(await db().webhookDelivery.count({ where: { id: delivery.id } })).toBe(0);
    expect(await db().webhookEndpoint.count({ where: { id: keep.endpoint.id } })).toBe(1);
    const entry = await db().auditLog.findFirstOrThrow({
      where: { tenantId, entityId: gone.endpoint.id, action: 'webhook_endpoint.deleted' },
    });
    expect([entry.actorType, entry.actorId]).toEqual(['PANEL_ADMIN', owner.id]);
    expect(failedRequests()).toEqual([]);
  });

  it(
    'Payments Disconnect: the connection is kept without its secrets or last test, its method switched off',
    { timeout: 420_000 },
    async () => {
      onFailure('payments-disconnect');
      const { page } = browser;
      const shop = await f().tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
      const shopOwner = await f().adminUser({ tenantId: shop.id });
      const ctx = adminCtx(shop.id);
      await app.services.paymentConnections.connect(ctx, {
        provider: 'PAYPAL',
        environment: 'sandbox',
        config: { clientId: PAYPAL_APP.clientId, webhookId: 'WH-MORE' },
        secrets: { clientSecret: PAYPAL_APP.clientSecret },
      });
      expect((await app.services.paymentConnections.test(ctx, 'PAYPAL')).ok).toBe(true);
      await db().tenant.update({ where: { id: shop.id }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });
      const before = await db().paymentConnection.findFirstOrThrow({ where: { tenantId: shop.id, provider: 'PAYPAL' } });
      expect(before.status).toBe('CONNECTED');

      await signInAs(shopOwner.email);
      await page.goto(`${app.baseUrl}/admin/resources/PaymentConnection`);
      const card = page.locator('[data-testid="payments-PAYPAL"]');
      await card.waitFor();
      expect(await page.locator('[data-testid="status-PAYPAL"]').innerText()).toBe('Connected');
      // It asks first: dismissed, nothing changes.
      const questions: string[] = [];
      page.once('dialog', (d) => {
        questions.push(d.message());
        void d.dismiss();
      });
      await card.getByRole('button', { name: 'Disconnect', exact: true }).click();
      await expect.poll(() => questions.length).toBe(1);
      expect(questions[0]).toMatch(/^Disconnect PayPal\? Its secrets are erased/);
      expect((await db().paymentConnection.findUniqueOrThrow({ where: { id: before.id } })).status).toBe('CONNECTED');
      page.once('dialog', (d) => void d.accept());
      await card.getByRole('button', { name: 'Disconnect', exact: true }).click();
      await expect
        .poll(async () =>
          (await page.locator('[data-testid="payments-result"]').count())
            ? page.locator('[data-testid="payments-result"]').innerText()
            : '',
        )
        .toMatch(/PayPal disconnected: its payment method is switched off and its secrets erased\./);
      expect(await page.locator('[data-testid="status-PAYPAL"]').innerText()).toBe('Disconnected');
      // No "Last test: Connected ... accepted" left on the card: the credentials it was about are erased.
      expect(await page.locator('[data-testid="test-PAYPAL"]').count()).toBe(0);
      await browser.shot('payments-disconnected');

      const after = await db().paymentConnection.findUniqueOrThrow({ where: { id: before.id } });
      expect(after).toMatchObject({
        status: 'DISCONNECTED',
        secrets: null,
        secretHints: {},
        config: before.config,
        environment: 'sandbox',
        lastTestOk: null,
        lastTestMessage: null,
        lastTestedAt: null,
      });
      expect((await db().tenant.findUniqueOrThrow({ where: { id: shop.id } })).enabledPaymentMethods).toEqual(['VENMO_P2P']);
      const entry = await db().auditLog.findFirstOrThrow({
        where: { tenantId: shop.id, entityId: before.id, action: 'payment_connection.disconnected' },
      });
      expect([entry.actorType, entry.actorId]).toEqual(['PANEL_ADMIN', shopOwner.id]);
      expect(entry.after).toMatchObject({ provider: 'PAYPAL', methodsSwitchedOff: ['PAYPAL'] });

      // After a reload the page says the same (no secret hint left, no Test or Disconnect to press).
      await page.goto(`${app.baseUrl}/admin/resources/PaymentConnection`);
      await card.waitFor();
      expect(await page.locator('[data-testid="status-PAYPAL"]').innerText()).toBe('Disconnected');
      expect(await page.locator('#PAYPAL-clientSecret').getAttribute('placeholder')).toBe('');
      expect(await card.getByRole('button', { name: 'Disconnect', exact: true }).count()).toBe(0);
      expect(failedRequests()).toEqual([]);
    },
  );

  it(
    'Jobs Discard: a platform admin discards a failed job after the question; the other failed job stays',
    { timeout: 420_000 },
    async () => {
      onFailure('jobs-discard');
      const { page } = browser;
      const platform = await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null });
      // Failed jobs (attempts used up), due later: no worker takes them.
      const failedJob = async (task: string, error: string) => {
        const [row] = await db().$queryRawUnsafe<{ id: string }[]>(
          `SELECT (graphile_worker.add_job($1, '{}'::json, max_attempts => 3, run_at => now() + interval '1 hour')).id::text AS id`,
          task,
        );
        await db().$executeRawUnsafe(
          'UPDATE graphile_worker._private_jobs SET attempts = 3, last_error = $2 WHERE id = $1::bigint',
          row!.id,
          error,
        );
        return row!.id;
      };
      const hopeless = await failedJob('discord.role.add', 'Unknown Role');
      const other = await failedJob('discord.role.remove', 'DiscordAPIError[50013]: Missing Permissions');
      const jobExists = async (id: string) =>
        (await db().$queryRawUnsafe<unknown[]>('SELECT id FROM graphile_worker.jobs WHERE id = $1::bigint', id)).length === 1;

      // What the page sends: a POST of the job page's API per action.
      const posted: string[] = [];
      const onRequest = (r: PwRequest) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/admin/api/pages/jobs') posted.push(r.postData() ?? '');
      };
      page.on('request', onRequest);
      await signInAs(platform.email);
      await page.goto(`${app.baseUrl}/admin/pages/jobs`);
      const row = page.locator(`[data-testid="failed-job-${hopeless}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('Unknown Role');
      await browser.shot('jobs-1-failed');

      // The browser's own question: dismissed, nothing is sent (the one POST below is the accepted one's).
      page.once('dialog', (d) => void d.dismiss());
      await row.getByRole('button', { name: 'Discard' }).click();
      expect(await jobExists(hopeless)).toBe(true);

      // Accepted: the job is deleted.
      let asked = '';
      page.once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await row.getByRole('button', { name: 'Discard' }).click();
      await page.waitForSelector(`text=Job ${hopeless} was discarded.`);
      await row.waitFor({ state: 'detached' });
      expect(asked).toBe(`Discard job ${hopeless}? It will not run again.`);
      page.off('request', onRequest);
      expect(posted.map((p) => JSON.parse(p) as unknown)).toEqual([{ action: 'discard', jobId: hopeless }]);
      await browser.shot('jobs-2-discarded');
      expect(await jobExists(hopeless)).toBe(false);
      expect(await jobExists(other)).toBe(true);
      expect(await page.locator(`[data-testid="failed-job-${other}"]`).count()).toBe(1);
      expect(failedRequests()).toEqual([]);
    },
  );
});
