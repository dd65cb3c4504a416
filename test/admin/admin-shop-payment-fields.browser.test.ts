// Shop settings' payment methods (handle, instructions, pay window per method) and TaxJar ship-from address, in
// Chromium, as labelled fields rather than JSON (components/payment-method-settings.tsx, ship-from-address.tsx):
// every new field filled, saved, the page reloaded and EVERY field of the form read back (and the row, column by
// column); a field cleared; a pay window out of bounds refused under its input with nothing saved; the same field
// changed by another admin meanwhile refused, another field merged; the show page in words; and on a phone every
// input labelled and 44 px tall. Screenshots are kept in test-output/admin-shop-payment-fields/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { PAY_WINDOW_RULE } from '../../src/modules/order-expiry/pay-window.js';
import { paymentInstructionsText } from '../../src/surfaces/discord/views/payment-methods.view.js';
import { loggedIn, saveAsTheForm, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly } from '../helpers/expect-only.js';

const db = () => testDb();
const f = () => factories();
const METHODS = ['VENMO_P2P', 'ZELLE', 'CASHAPP_P2P'] as const;

describe.skipIf(!runBrowserTests)("Shop settings: the payment methods' fields and the ship-from address", () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId = '';
  let ownerEmail = '';
  let colleague: AdminAgent;
  const roles = [snowflake(), snowflake()];
  const channel = snowflake();

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-shop-payment-fields');
    const tenant = await f().tenant({
      name: 'Field Goods',
      // Manual methods only: processor-backed ones cannot be saved without a working payment connection.
      enabledPaymentMethods: [...METHODS],
      paymentInstructions: {},
      paymentWindowMinutes: {},
      adminChannelId: channel,
      adminRoleIds: roles,
      timeZone: 'America/New_York',
    });
    tenantId = tenant.id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
    colleague = await loggedIn(app.baseUrl, (await f().adminUser({ tenantId })).email);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const page = () => browser.page;
  const input = (name: string) => page().locator(`[name="${name}"]`).first();
  const tenantRow = () => db().tenant.findUniqueOrThrow({ where: { id: tenantId } });

  /** Opens the edit form and waits until it shows the saved shop (its name) and the per-method rows. */
  async function openEdit() {
    await page().goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/edit`);
    await expect.poll(() => input('name').inputValue(), { timeout: 60_000 }).toBe('Field Goods');
    await input('paymentInstructions.VENMO_P2P.handle').waitFor();
  }
  async function save(): Promise<{ notice?: { message: string; type: string } }> {
    const resp = await pressSave(page(), `/records/${tenantId}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  /** Every field of the form as it reads now, by its input's name. */
  async function readForm(): Promise<Record<string, unknown>> {
    const value = (name: string) => input(name).inputValue();
    const ticked = async (name: string) =>
      page()
        .locator(`input[type="checkbox"][name="${name}"]`)
        .evaluateAll((boxes) => boxes.filter((b) => (b as HTMLInputElement).checked).map((b) => (b as HTMLInputElement).value || 'on'));
    const out: Record<string, unknown> = {
      name: await value('name'),
      currency: await value('currency'),
      // In the order the checkboxes are drawn.
      enabledPaymentMethods: (await ticked('enabledPaymentMethods')).sort(),
      adminChannelId: await value('adminChannelId'),
      // Ticked by name where the bot lists the server's roles, else listed by id.
      adminRoleIds: [
        ...(await ticked('adminRoleIds')),
        ...(await page().getByTestId('multi-value-adminRoleIds-item').allTextContents()).map((t) => t.replace(/\D/g, '')),
      ].sort(),
      inventoryTracking: (await ticked('inventoryTracking')).length > 0,
      taxjarEnabled: (await ticked('taxjarEnabled')).length > 0,
      taxjarApiKeyNew: await value('taxjarApiKeyNew'),
      addressValidation: (await ticked('addressValidation')).length > 0,
      roleRemovalPolicy: (await page().getByTestId('property-edit-roleRemovalPolicy').first().textContent())?.includes(
        'Give the role back',
      ),
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

  const untouched = {
    name: 'Field Goods',
    currency: 'USD',
    enabledPaymentMethods: [...METHODS].sort(),
    adminChannelId: channel,
    adminRoleIds: [...roles].sort(),
    inventoryTracking: true,
    taxjarEnabled: false,
    taxjarApiKeyNew: '',
    addressValidation: false,
    roleRemovalPolicy: true,
    timeZone: 'America/New_York',
  };

  it('fills every new field, saves, and reads every field of the form back after a reload', { timeout: 420_000 }, async () => {
    browser.reportFailure('fill');
    await browser.signIn(app.baseUrl, ownerEmail);
    const before = await tenantRow();
    await openEdit();
    // Empty: the default shown as the placeholder, in hours.
    expect(await input('paymentWindowMinutes.VENMO_P2P').getAttribute('placeholder')).toBe('48 (default)');
    await input('paymentInstructions.VENMO_P2P.handle').fill('@fieldgoods');
    await input('paymentInstructions.VENMO_P2P.instructions').fill('Pay @fieldgoods on Venmo,\nfriends and family');
    await input('paymentWindowMinutes.VENMO_P2P').fill('24');
    await input('paymentInstructions.ZELLE.handle').fill('pay@fieldgoods.test');
    await input('paymentInstructions.ZELLE.instructions').fill('Zelle pay@fieldgoods.test');
    await input('paymentWindowMinutes.ZELLE.unit').selectOption('minutes');
    await input('paymentWindowMinutes.ZELLE').fill('90');
    await input('paymentInstructions.CASHAPP_P2P.handle').fill('$fieldgoods');
    await input('paymentInstructions.CASHAPP_P2P.instructions').fill('Send to $fieldgoods');
    await input('paymentWindowMinutes.CASHAPP_P2P').fill('1.5');
    await input('taxjarFromAddress.street').fill('1 Pike St');
    await input('taxjarFromAddress.city').fill('Seattle');
    await input('taxjarFromAddress.state').fill('WA');
    await input('taxjarFromAddress.zip').fill('98101');
    await input('taxjarFromAddress.country').fill('US');
    await browser.shot('fill-1-filled');
    expect((await save()).notice?.type).toBe('success');

    const saved = await tenantRow();
    expectOnly(before, saved, {
      paymentInstructions: {
        VENMO_P2P: { handle: '@fieldgoods', instructions: 'Pay @fieldgoods on Venmo,\nfriends and family' },
        ZELLE: { handle: 'pay@fieldgoods.test', instructions: 'Zelle pay@fieldgoods.test' },
        CASHAPP_P2P: { handle: '$fieldgoods', instructions: 'Send to $fieldgoods' },
      },
      paymentWindowMinutes: { VENMO_P2P: 1440, ZELLE: 90, CASHAPP_P2P: 90 },
      taxjarFromAddress: { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' },
    });
    // What a Discord customer choosing Venmo is told (the views' one reading of the column).
    expect(paymentInstructionsText(saved, 'VENMO_P2P')).toBe('Pay @fieldgoods on Venmo,\nfriends and family');

    await page().reload();
    await openEdit();
    expect(await readForm()).toEqual({
      ...untouched,
      'VENMO_P2P.handle': '@fieldgoods',
      'VENMO_P2P.instructions': 'Pay @fieldgoods on Venmo,\nfriends and family',
      'VENMO_P2P.window': '24 hours',
      'ZELLE.handle': 'pay@fieldgoods.test',
      'ZELLE.instructions': 'Zelle pay@fieldgoods.test',
      'ZELLE.window': '90 minutes',
      'CASHAPP_P2P.handle': '$fieldgoods',
      'CASHAPP_P2P.instructions': 'Send to $fieldgoods',
      // 1.5 hours was saved as 90 minutes, and is shown as such.
      'CASHAPP_P2P.window': '90 minutes',
      'address.street': '1 Pike St',
      'address.city': 'Seattle',
      'address.state': 'WA',
      'address.zip': '98101',
      'address.country': 'US',
    });

    // Saved untouched: nothing changes.
    expect((await save()).notice?.type).toBe('success');
    expectOnly(saved, await tenantRow(), {});

    // The show page says it in words, not JSON.
    await page().goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/show`);
    const show = page().getByTestId('payment-method-settings-show');
    await expect.poll(() => show.textContent(), { timeout: 60_000 }).toContain('Pay window: 1 day');
    const text = (await page().textContent('body')) ?? '';
    for (const t of ['Handle: @fieldgoods', 'Pay window: 90 minutes', 'Handle: pay@fieldgoods.test', '1 Pike St', 'Seattle, WA 98101'])
      expect(text).toContain(t);
    expect(text).not.toContain('{"');
    await browser.shot('fill-2-show');
  });

  it('a cleared field removes its value; a row left empty stores nothing for its method', { timeout: 420_000 }, async () => {
    browser.reportFailure('clear');
    const before = await tenantRow();
    await openEdit();
    await input('paymentInstructions.ZELLE.handle').fill('');
    await input('paymentInstructions.CASHAPP_P2P.handle').fill('');
    await input('paymentInstructions.CASHAPP_P2P.instructions').fill('');
    await input('paymentWindowMinutes.CASHAPP_P2P').fill('');
    await input('taxjarFromAddress.street').fill('');
    expect((await save()).notice?.type).toBe('success');
    expectOnly(before, await tenantRow(), {
      paymentInstructions: {
        VENMO_P2P: { handle: '@fieldgoods', instructions: 'Pay @fieldgoods on Venmo,\nfriends and family' },
        ZELLE: { instructions: 'Zelle pay@fieldgoods.test' },
      },
      paymentWindowMinutes: { VENMO_P2P: 1440, ZELLE: 90 },
      taxjarFromAddress: { city: 'Seattle', state: 'WA', zip: '98101', country: 'US' },
    });
    await page().reload();
    await openEdit();
    const form = await readForm();
    expect(form).toMatchObject({ 'ZELLE.handle': '', 'CASHAPP_P2P.handle': '', 'CASHAPP_P2P.instructions': '', 'address.street': '' });
    expect(form['CASHAPP_P2P.window']).toBe(' hours');
  });

  it('a pay window out of bounds is refused under its input, in words, and nothing is saved', { timeout: 420_000 }, async () => {
    browser.reportFailure('out-of-range');
    const before = await tenantRow();
    await openEdit();
    await input('paymentWindowMinutes.VENMO_P2P.unit').selectOption('minutes');
    await input('paymentWindowMinutes.VENMO_P2P').fill('5');
    await input('paymentInstructions.VENMO_P2P.handle').fill('@changed');
    const refused = await save();
    expect(refused.notice).toMatchObject({ type: 'error', message: `Venmo pay window: ${PAY_WINDOW_RULE}` });
    const error = page().getByTestId('error-paymentWindowMinutes.VENMO_P2P');
    await expect.poll(() => error.textContent(), { timeout: 60_000 }).toBe(PAY_WINDOW_RULE);
    // Under the Venmo row's window, and the form keeps what was typed.
    expect(await page().getByTestId('payment-method-row-VENMO_P2P').getByRole('alert').textContent()).toBe(PAY_WINDOW_RULE);
    expect(await input('paymentWindowMinutes.VENMO_P2P').inputValue()).toBe('5');
    expect(await input('paymentInstructions.VENMO_P2P.handle').inputValue()).toBe('@changed');
    await browser.shot('out-of-range-refused');
    expectOnly(before, await tenantRow(), {});

    await input('paymentWindowMinutes.VENMO_P2P').fill('50000');
    expect((await save()).notice?.type).toBe('error');
    await expect.poll(() => error.textContent(), { timeout: 60_000 }).toBe(PAY_WINDOW_RULE);
    expectOnly(before, await tenantRow(), {});
  });

  it('the same field changed by another admin meanwhile is refused; another field is merged', { timeout: 420_000 }, async () => {
    browser.reportFailure('concurrent');
    await openEdit();
    // A colleague saves the Venmo handle while this form is open.
    const theirs = await saveAsTheForm(colleague, 'Tenant', tenantId, { 'paymentInstructions.VENMO_P2P.handle': '@colleague' });
    expect(theirs.body.notice?.type).toBe('success');
    const afterColleague = await tenantRow();
    expect(afterColleague.paymentInstructions).toMatchObject({ VENMO_P2P: { handle: '@colleague' } });

    await input('paymentInstructions.VENMO_P2P.handle').fill('@mine');
    const refused = await save();
    // In words: the field as the form labels it and the values that differ, not the column's JSON; said under
    // the Venmo handle too.
    const conflict = 'Venmo handle @fieldgoods -> @colleague';
    expect(refused.notice).toMatchObject({ type: 'error', message: expect.stringContaining(`changed since you opened it (${conflict})`) });
    await expect
      .poll(() => page().getByTestId('error-paymentInstructions.VENMO_P2P.handle').first().textContent(), { timeout: 60_000 })
      .toBe(`Changed since you opened the form (${conflict}).`);
    await browser.shot('concurrent-refused');
    expectOnly(afterColleague, await tenantRow(), {});

    // Reopened: the colleague's handle shows; a change to the address alone is saved and keeps theirs (a change
    // to another method's field merges too: admin-settings-two-admins.browser.test.ts).
    await page().reload();
    await openEdit();
    expect(await input('paymentInstructions.VENMO_P2P.handle').inputValue()).toBe('@colleague');
    const theirsAgain = await saveAsTheForm(colleague, 'Tenant', tenantId, { 'paymentWindowMinutes.ZELLE': '120' });
    expect(theirsAgain.body.notice?.type).toBe('success');
    const beforeMine = await tenantRow();
    await input('taxjarFromAddress.city').fill('Tacoma');
    expect((await save()).notice?.type).toBe('success');
    expectOnly(beforeMine, await tenantRow(), {
      taxjarFromAddress: { city: 'Tacoma', state: 'WA', zip: '98101', country: 'US' },
    });
    expect((await tenantRow()).paymentWindowMinutes).toEqual({ VENMO_P2P: 1440, ZELLE: 120 });
  });

  it('on a phone every new input has a label and is 44 px tall, and the form fits the screen', { timeout: 420_000 }, async () => {
    browser.reportFailure('phone');
    await page().setViewportSize({ width: 390, height: 844 });
    await openEdit();
    const controls = await page().evaluate(() =>
      Array.from(
        document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
          '[data-testid="payment-method-settings"] input, [data-testid="payment-method-settings"] textarea, [data-testid="payment-method-settings"] select, [data-testid="ship-from-taxjarFromAddress"] input',
        ),
      ).map((e) => {
        const r = e.getBoundingClientRect();
        return {
          name: e.name,
          label: e.labels
            ? Array.from(e.labels)
                .map((l) => l.innerText.trim())
                .join(' ')
            : '',
          tall: r.height >= 44,
          wide: r.width >= 44,
          fits: r.right <= 390,
          fontPx: parseFloat(getComputedStyle(e).fontSize),
        };
      }),
    );
    await browser.shot('phone-form');
    // Three rows of handle, instructions, window and unit, and five address fields.
    expect(controls).toHaveLength(3 * 4 + 5);
    for (const c of controls)
      expect(c, c.name).toEqual({ name: c.name, label: expect.stringMatching(/\S/), tall: true, wide: true, fits: true, fontPx: 16 });
    expect(controls.find((c) => c.name === 'paymentWindowMinutes.VENMO_P2P')?.label).toBe('Venmo: pay window');
    expect(controls.find((c) => c.name === 'taxjarFromAddress.zip')?.label).toBe('ZIP / postal code');
    expect(await page().evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
