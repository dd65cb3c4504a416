// Shop settings -> a payment method's pay window typed in hours with a decimal (components/payment-method-settings.tsx,
// schemas/tenant-settings.schema.ts), in Chromium: "4.1" hours is 246 minutes and "8.2" hours 492, though 4.1 x 60 is
// 245.99999999999997 in floating point; "1,5" hours (a decimal comma: the only separator a European phone's decimal
// keypad offers) is 90 minutes; and hours switched to minutes show whole minutes. Saved, the row read back column
// by column, the page reloaded and every field of the form read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly } from '../helpers/expect-only.js';

const db = () => testDb();
const f = () => factories();
const METHODS = ['VENMO_P2P', 'ZELLE', 'CASHAPP_P2P'] as const;

describe.skipIf(!runBrowserTests)('Shop settings: a pay window typed in hours with a decimal', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId = '';
  let ownerEmail = '';
  const roles = [snowflake()];
  const channel = snowflake();

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-pay-window-hours');
    const tenant = await f().tenant({
      name: 'Hours Goods',
      enabledPaymentMethods: [...METHODS],
      paymentInstructions: { VENMO_P2P: { handle: '@hours' } },
      paymentWindowMinutes: {},
      adminChannelId: channel,
      adminRoleIds: roles,
      timeZone: 'Europe/Berlin',
    });
    tenantId = tenant.id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = () => browser.page;
  const input = (name: string) => page().locator(`[name="${name}"]`).first();
  const tenantRow = () => db().tenant.findUniqueOrThrow({ where: { id: tenantId } });

  async function openEdit() {
    await page().goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/edit`);
    await expect.poll(() => input('name').inputValue(), { timeout: 60_000 }).toBe('Hours Goods');
    await input('paymentWindowMinutes.VENMO_P2P').waitFor();
  }
  async function save(): Promise<{ notice?: { message: string; type: string } }> {
    const resp = await pressSave(page(), `/records/${tenantId}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  /** Every field of the form as it reads now. */
  async function readForm(): Promise<Record<string, unknown>> {
    const value = (name: string) => input(name).inputValue();
    const ticked = (name: string) =>
      page()
        .locator(`input[type="checkbox"][name="${name}"]`)
        .evaluateAll((boxes) => boxes.filter((b) => (b as HTMLInputElement).checked).map((b) => (b as HTMLInputElement).value || 'on'));
    const out: Record<string, unknown> = {
      name: await value('name'),
      currency: await value('currency'),
      enabledPaymentMethods: (await ticked('enabledPaymentMethods')).sort(),
      adminChannelId: await value('adminChannelId'),
      adminRoleIds: [
        ...(await ticked('adminRoleIds')),
        ...(await page().getByTestId('multi-value-adminRoleIds-item').allTextContents()).map((t) => t.replace(/\D/g, '')),
      ].sort(),
      inventoryTracking: (await ticked('inventoryTracking')).length > 0,
      taxjarEnabled: (await ticked('taxjarEnabled')).length > 0,
      taxjarApiKeyNew: await value('taxjarApiKeyNew'),
      addressValidation: (await ticked('addressValidation')).length > 0,
      timeZone: await value('timeZone'),
    };
    for (const m of METHODS) {
      out[`${m}.handle`] = await value(`paymentInstructions.${m}.handle`);
      out[`${m}.instructions`] = await value(`paymentInstructions.${m}.instructions`);
      out[`${m}.window`] = `${await value(`paymentWindowMinutes.${m}`)} ${await value(`paymentWindowMinutes.${m}.unit`)}`;
    }
    for (const k of ['street', 'city', 'state', 'zip', 'country']) out[`address.${k}`] = await value(`taxjarFromAddress.${k}`);
    return out;
  }

  it('saves 4.1 hours as 246 minutes, 1,5 hours as 90, and 8.2 hours switched to minutes as 492', { timeout: 420_000 }, async () => {
    browser.reportFailure('hours');
    await browser.signIn(app.baseUrl, ownerEmail);
    const before = await tenantRow();
    await openEdit();
    await input('paymentWindowMinutes.VENMO_P2P').fill('4.1');
    await input('paymentWindowMinutes.ZELLE').fill('1,5');
    await input('paymentWindowMinutes.CASHAPP_P2P').fill('8.2');
    await input('paymentWindowMinutes.CASHAPP_P2P.unit').selectOption('minutes');
    // The same duration in the other unit: whole minutes, not 491.99999999999994.
    expect(await input('paymentWindowMinutes.CASHAPP_P2P').inputValue()).toBe('492');
    await browser.shot('hours-1-typed');
    const answer = await save();
    expect(answer.notice).toMatchObject({ type: 'success' });

    expectOnly(before, await tenantRow(), { paymentWindowMinutes: { VENMO_P2P: 246, ZELLE: 90, CASHAPP_P2P: 492 } });

    await page().reload();
    await openEdit();
    expect(await readForm()).toEqual({
      name: 'Hours Goods',
      currency: 'USD',
      enabledPaymentMethods: [...METHODS].sort(),
      adminChannelId: channel,
      adminRoleIds: roles,
      inventoryTracking: true,
      taxjarEnabled: false,
      taxjarApiKeyNew: '',
      addressValidation: false,
      timeZone: 'Europe/Berlin',
      'VENMO_P2P.handle': '@hours',
      'VENMO_P2P.instructions': '',
      'VENMO_P2P.window': '246 minutes',
      'ZELLE.handle': '',
      'ZELLE.instructions': '',
      'ZELLE.window': '90 minutes',
      'CASHAPP_P2P.handle': '',
      'CASHAPP_P2P.instructions': '',
      'CASHAPP_P2P.window': '492 minutes',
      'address.street': '',
      'address.city': '',
      'address.state': '',
      'address.zip': '',
      'address.country': '',
    });
    // A window shown in minutes switched to hours and back is the same number of minutes.
    await input('paymentWindowMinutes.VENMO_P2P.unit').selectOption('hours');
    expect(await input('paymentWindowMinutes.VENMO_P2P').inputValue()).toBe('4.1');
    await input('paymentWindowMinutes.VENMO_P2P.unit').selectOption('minutes');
    expect(await input('paymentWindowMinutes.VENMO_P2P').inputValue()).toBe('246');
  });
});
