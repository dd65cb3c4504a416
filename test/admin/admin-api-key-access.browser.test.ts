// Settings -> API keys in Chromium, with access levels: "New API key" offers Read only (preselected) and Read
// and write; a read-only key is created, its page shows the level with the secret, the list and the key's
// page show every field (the level among them), and the secret reads the REST API and is refused a refund.
// A read-and-write key chosen in the same form is one, and can refund.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { cellContrast as contrastOf } from './contrast.js';

let app: RunningAdmin;
let browser: BrowserSession;

const cellContrast = (selector: string) => contrastOf(browser.page, selector);

describe.runIf(runBrowserTests)('API key access levels in the panel (Chromium)', () => {
  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-api-key-access');
    // The first panel page builds the component bundle: slow on a busy machine.
    browser.page.setDefaultTimeout(240_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it(
    'creates a read-only key (the preselected choice), shows its level everywhere, and its secret only reads',
    { timeout: 600_000 },
    async () => {
      browser.reportFailure('api-key-access');
      const f = factories();
      const tenant = await f.tenant();
      const owner = await f.adminUser({ tenantId: tenant.id });
      const customer = await f.customer({ tenantId: tenant.id });
      const product = await f.product({ tenantId: tenant.id, name: 'Mug', unitPriceCents: 1500 });
      const paid = () =>
        f.order({
          tenantId: tenant.id,
          customerId: customer.id,
          status: 'PAID',
          paymentStatus: 'paid',
          lines: [{ productId: product.id, name: 'Mug', quantity: 1, unitPriceCents: 1500 }],
        });
      const { page } = browser;
      await browser.signIn(app.baseUrl, owner.email);

      // The form: a name and a clear choice of access, Read only preselected.
      await page.goto(`${app.baseUrl}/admin/resources/ApiKey/actions/createKey`);
      const form = page.locator('[data-testid="api-key-form"]');
      await form.waitFor();
      const choices = page.locator('[data-testid="api-key-access"] label:has(input[type="radio"])');
      expect((await choices.allInnerTexts()).map((text) => text.trim())).toEqual([
        expect.stringMatching(/^Read only — reads orders, products and exports \(GET requests\); changes nothing\./),
        expect.stringMatching(/^Read and write — also updates orders, confirms and rejects payments, refunds/),
      ]);
      expect(await page.isChecked('input[name="access"][value="READ_ONLY"]')).toBe(true);
      expect(await page.isChecked('input[name="access"][value="READ_WRITE"]')).toBe(false);
      await page.fill('#api-key-name', 'Bookkeeping');
      await browser.shot('form');
      await form.locator('button[type="submit"]').click();

      // The created page: the secret, once, and the level.
      await page.waitForSelector('[data-testid="api-key-created"]');
      const secret = await page.inputValue('[data-testid="api-key-secret"]');
      expect(secret).toMatch(/^ll_live_[A-Za-z0-9_-]{32}$/);
      expect(await page.innerText('[data-testid="api-key-created-access"]')).toMatch(
        /^Access: Read only \(GET requests only; anything else is refused\)/,
      );
      await browser.shot('created');
      const key = await testDb().apiKey.findFirstOrThrow({ where: { tenantId: tenant.id } });
      expect(key).toMatchObject({ name: 'Bookkeeping', access: 'READ_ONLY', prefix: secret.slice(0, 14), revokedAt: null });

      // The secret reads the REST API and is refused a refund, which changes nothing.
      const bearer = { authorization: `Bearer ${secret}` };
      await request(app.app).get('/api/v1/products').set(bearer).expect(200);
      const order = await paid();
      const refused = await request(app.app).post(`/api/v1/orders/${order.id}/refunds`).set(bearer).send({}).expect(403);
      expect(refused.body.error).toMatchObject({ code: 'API_KEY_READ_ONLY', message: expect.stringContaining('Settings -> API keys') });
      expect(await testDb().refund.count({ where: { orderId: order.id } })).toBe(0);
      const used = await testDb().apiKey.findUniqueOrThrow({ where: { id: key.id } });

      // The list: every column of the key's row.
      await Promise.all([page.waitForURL(/\/admin\/resources\/ApiKey$/), page.click('a:has-text("I stored it")')]);
      const row = page.locator(`tr[data-id="${key.id}"]`);
      await row.waitFor();
      const cell = (name: string) => row.locator(`[data-property-name="${name}"]`).innerText();
      expect(await cell('name')).toBe('Bookkeeping');
      expect(await cell('access')).toBe('Read only');
      // The level's badge is readable: WCAG AA, 4.5:1 for text.
      expect(await cellContrast(`tr[data-id="${key.id}"] [data-property-name="access"]`)).toBeGreaterThanOrEqual(4.5);
      expect(await cell('prefix')).toBe(key.prefix);
      expect(await cell('createdAt')).not.toBe('');
      expect(await cell('lastUsedAt')).not.toBe('');
      expect(await cell('revokedAt')).toBe('');
      expect(await page.content()).not.toContain(secret);
      await browser.shot('list');

      // The key's page: every field, and no way to change the level.
      await page.goto(`${app.baseUrl}/admin/resources/ApiKey/records/${key.id}/show`);
      const field = async (name: string) => {
        const [label, ...value] = (await page.innerText(`[data-testid="property-show-${name}"]`)).split('\n');
        return [label, value.join(' ').trim()];
      };
      await page.locator('[data-testid="property-show-access"]').waitFor();
      expect(await field('id')).toEqual(['Id', key.id]);
      expect(await field('name')).toEqual(['Name', 'Bookkeeping']);
      expect(await field('access')).toEqual(['Access', 'Read only']);
      expect(await field('prefix')).toEqual(['Prefix', key.prefix]);
      expect((await field('createdAt'))[0]).toBe('Created');
      expect((await field('createdAt'))[1]).toMatch(/\d{4}, \d{1,2}:\d{2}/);
      expect((await field('lastUsedAt'))[0]).toBe('Last used');
      expect(used.lastUsedAt).toBeInstanceOf(Date);
      expect((await field('lastUsedAt'))[1]).toMatch(/\d{4}, \d{1,2}:\d{2}/);
      expect(await field('revokedAt')).toEqual(['Revoked', '—']);
      expect(await page.locator('a:has-text("Edit"), button:has-text("Edit")').count()).toBe(0);
      await browser.shot('show');

      // Read and write, chosen in the same form, is one: its secret refunds.
      await page.goto(`${app.baseUrl}/admin/resources/ApiKey/actions/createKey`);
      await page.locator('[data-testid="api-key-form"]').waitFor();
      await page.fill('#api-key-name', 'Fulfilment');
      await page.check('input[name="access"][value="READ_WRITE"]');
      await page.click('[data-testid="api-key-form"] button[type="submit"]');
      await page.waitForSelector('[data-testid="api-key-created"]');
      expect(await page.innerText('[data-testid="api-key-created-access"]')).toMatch(
        /^Access: Read and write \(every request, refunds included\)/,
      );
      const full = await page.inputValue('[data-testid="api-key-secret"]');
      const fullKey = await testDb().apiKey.findFirstOrThrow({ where: { tenantId: tenant.id, name: 'Fulfilment' } });
      expect(fullKey.access).toBe('READ_WRITE');
      await request(app.app)
        .post(`/api/v1/orders/${order.id}/refunds`)
        .set({ authorization: `Bearer ${full}` })
        .send({})
        .expect(201);
      await page.goto(`${app.baseUrl}/admin/resources/ApiKey`);
      await page.locator(`tr[data-id="${fullKey.id}"]`).waitFor();
      expect(await page.innerText(`tr[data-id="${fullKey.id}"] [data-property-name="access"]`)).toBe('Read and write');
      expect(await page.innerText(`tr[data-id="${key.id}"] [data-property-name="access"]`)).toBe('Read only');
      expect(await cellContrast(`tr[data-id="${fullKey.id}"] [data-property-name="access"]`)).toBeGreaterThanOrEqual(4.5);
    },
  );
});
