// Shop settings' payment methods and the rules that join fields, with two admins at once, each in a browser of their
// own (two Chromium profiles, two sign-ins), or one admin while the shop changes under the open page (a Settings ->
// Payments disconnect made through the service). Each ticked payment method is its own edit
// (platform/form-edits.ts sets): A's Venmo and B's Cash App Pay are both kept. The rules joining fields are checked
// in the save's transaction on the row as it will be (resources/tenant-settings.rules.ts): TaxJar switched on in a
// form that still shows the ship-from address a colleague cleared is refused, and so is Cash App Pay ticked after
// its Square connection was disconnected, named in words; a box left as shown is not refused for a method switched
// off since; Address validation ticked in a shop without a TaxJar API key is refused under its box, and saved once
// the key is typed in the same form. Every field of the form is read back. Screenshots in test-output/admin-settings-methods/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly } from '../helpers/expect-only.js';

const db = () => testDb();
const f = () => factories();
const ADDRESS = { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' };

describe.skipIf(!runBrowserTests)('Shop settings: payment methods and joined rules, two admins at once', () => {
  let app: RunningAdmin;
  let ann: BrowserSession;
  let bob: BrowserSession;

  beforeAll(async () => {
    app = await startAdminApp();
    ann = await openBrowser('admin-settings-methods/ann');
    bob = await openBrowser('admin-settings-methods/bob');
    const tenant = await f().tenant({ name: 'Sign-in shop' });
    await ann.signIn(app.baseUrl, (await f().adminUser({ tenantId: tenant.id, email: 'ann@methods.test' })).email);
    await bob.signIn(app.baseUrl, (await f().adminUser({ tenantId: tenant.id, email: 'bob@methods.test' })).email);
  }, 480_000);
  afterAll(async () => {
    await ann?.close();
    await bob?.close();
    await app?.close();
  });

  /**
   * A shop both admins may edit (a platform admin's view is not needed: each test's shop gets both admins moved
   * to it), with Square connected (Cash App Pay can be switched on) and a ship-from address.
   */
  async function shop(name: string, methods: string[], taxjarApiKey: string | null = 'tj_methods_key_2468') {
    const tenant = await f().tenant({
      name,
      enabledPaymentMethods: methods as never,
      paymentInstructions: { ZELLE: { handle: 'pay@methods.test', instructions: 'Zelle pay@methods.test' } },
      taxjarFromAddress: ADDRESS,
      taxjarApiKey,
    });
    await db().adminUser.updateMany({ where: { email: { in: ['ann@methods.test', 'bob@methods.test'] } }, data: { tenantId: tenant.id } });
    await db().paymentConnection.create({
      data: { tenantId: tenant.id, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
    return tenant.id;
  }

  const tenantRow = (id: string) => db().tenant.findUniqueOrThrow({ where: { id } });
  const input = (who: BrowserSession, name: string) => who.page.locator(`[name="${name}"]`).first();
  const box = (who: BrowserSession, name: string, value?: string) =>
    who.page.locator(`input[type="checkbox"][name="${name}"]${value ? `[value="${value}"]` : ''}`).first();

  async function openEdit(who: BrowserSession, id: string, name: string) {
    await who.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${id}/edit`);
    await expect.poll(() => input(who, 'name').inputValue(), { timeout: 60_000 }).toBe(name);
    await input(who, 'paymentInstructions.ZELLE.handle').waitFor();
  }
  async function save(who: BrowserSession, id: string): Promise<{ notice?: { message: string; type: string } }> {
    const resp = await pressSave(who.page, `/records/${id}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  /** Every named input of the form as it reads now: a checkbox group as its ticked values, in the order drawn. */
  const readForm = (who: BrowserSession): Promise<Record<string, unknown>> =>
    who.page
      .locator('form')
      .first()
      .evaluate((form) => {
        const out: Record<string, unknown> = {};
        for (const el of Array.from(form.querySelectorAll<HTMLInputElement>('input[name], select[name], textarea[name]'))) {
          if (el.type === 'checkbox') {
            const list = (out[el.name] as string[] | undefined) ?? [];
            if (el.checked) list.push(el.value || 'on');
            out[el.name] = list;
          } else out[el.name] = el.value;
        }
        return out;
      });

  /**
   * The form as it read before (`before`), with `changed` (input name -> value) applied: every input of `before`
   * reads the same after, and inputs the form did not have before (a newly ticked method's row) are empty.
   */
  async function expectForm(who: BrowserSession, before: Record<string, unknown>, changed: Record<string, unknown>) {
    const now = await readForm(who);
    for (const [name, value] of Object.entries(before)) expect(now[name], name).toEqual(name in changed ? changed[name] : value);
    for (const [name, value] of Object.entries(now)) {
      if (name in before) continue;
      expect(['', 'hours', 'minutes', 'days'], `${name} (new row)`).toContain(value);
    }
  }

  it(
    "A's Venmo and B's Cash App Pay, ticked in forms open at once, are both kept; every field read back",
    { timeout: 420_000 },
    async () => {
      ann.reportFailure('both-ticked-ann');
      bob.reportFailure('both-ticked-bob');
      const id = await shop('Two Boxes', ['ZELLE']);
      const before = await tenantRow(id);
      await openEdit(ann, id, 'Two Boxes');
      await openEdit(bob, id, 'Two Boxes');
      const formBefore = await readForm(ann);
      expect(formBefore.enabledPaymentMethods).toEqual(['ZELLE']);

      await box(bob, 'enabledPaymentMethods', 'CASHAPP_PAY').check();
      expect((await save(bob, id)).notice?.type).toBe('success');
      await box(ann, 'enabledPaymentMethods', 'VENMO_P2P').check();
      const mine = await save(ann, id);
      await ann.shot('both-ticked-saved');
      expect(mine.notice).toMatchObject({ type: 'success' });

      // The colleague's method first, then the one this save ticked: the order the Discord payment menu lists them in.
      expectOnly(before, await tenantRow(id), { enabledPaymentMethods: ['ZELLE', 'CASHAPP_PAY', 'VENMO_P2P'] });
      for (const who of [ann, bob]) {
        await openEdit(who, id, 'Two Boxes');
        // Checkboxes are drawn in the options' order, whatever the stored order.
        await expectForm(who, formBefore, { enabledPaymentMethods: ['CASHAPP_PAY', 'VENMO_P2P', 'ZELLE'] });
      }
    },
  );

  it(
    'TaxJar switched on in a form showing the ship-from address a colleague cleared: refused, nothing written',
    { timeout: 420_000 },
    async () => {
      ann.reportFailure('taxjar-ann');
      const id = await shop('Ship From', ['ZELLE']);
      await openEdit(ann, id, 'Ship From');
      await openEdit(bob, id, 'Ship From');
      const formBefore = await readForm(ann);
      for (const k of Object.keys(ADDRESS)) await input(bob, `taxjarFromAddress.${k}`).fill('');
      expect((await save(bob, id)).notice?.type).toBe('success');
      const afterBob = await tenantRow(id);
      expect(afterBob.taxjarFromAddress).toBeNull();

      // Ann's form still shows the address; she switches TaxJar on and renames the shop in the same save.
      expect(await input(ann, 'taxjarFromAddress.zip').inputValue()).toBe('98101');
      // AdminJS draws a boolean's input hidden under its own box: clicked as the box does.
      await box(ann, 'taxjarEnabled').dispatchEvent('click');
      await expect.poll(() => box(ann, 'taxjarEnabled').isChecked(), { timeout: 60_000 }).toBe(true);
      await input(ann, 'name').fill('Ship From Seattle');
      const refused = await save(ann, id);
      await ann.shot('taxjar-refused');
      expect(refused.notice).toMatchObject({
        type: 'error',
        message: expect.stringMatching(/^TaxJar needs the address you ship from, and the shop has none saved/),
      });
      const error = ann.page.getByTestId('error-taxjarFromAddress');
      await expect.poll(() => error.textContent(), { timeout: 60_000 }).toMatch(/^TaxJar needs the address you ship from/);
      expectOnly(afterBob, await tenantRow(id), {});

      // Reloaded, the form shows the row as it is: no address, TaxJar off, the old name.
      await openEdit(ann, id, 'Ship From');
      await expectForm(ann, formBefore, {
        'taxjarFromAddress.street': '',
        'taxjarFromAddress.city': '',
        'taxjarFromAddress.state': '',
        'taxjarFromAddress.zip': '',
        'taxjarFromAddress.country': '',
      });
    },
  );

  it(
    'Address validation ticked in a shop without a TaxJar API key: refused under the box, nothing written; saved with the key typed',
    { timeout: 420_000 },
    async () => {
      ann.reportFailure('address-validation-ann');
      const id = await shop('Checked Addresses', ['ZELLE'], null);
      const before = await tenantRow(id);
      await openEdit(ann, id, 'Checked Addresses');
      const formBefore = await readForm(ann);
      expect(await box(ann, 'addressValidation').isChecked()).toBe(false);

      // AdminJS draws a boolean's input hidden under its own box: clicked as the box does.
      await box(ann, 'addressValidation').dispatchEvent('click');
      await expect.poll(() => box(ann, 'addressValidation').isChecked(), { timeout: 60_000 }).toBe(true);
      await input(ann, 'name').fill('Checked Addresses Co');
      const refused = await save(ann, id);
      await ann.shot('address-validation-refused');
      expect(refused.notice).toMatchObject({
        type: 'error',
        message: expect.stringMatching(/^Address validation checks addresses with TaxJar and needs the shop's TaxJar API key/),
      });
      await expect
        .poll(() => ann.page.getByTestId('property-edit-addressValidation').first().textContent(), { timeout: 60_000 })
        .toContain('enter it in the TaxJar API key field, or untick Address validation');
      expectOnly(before, await tenantRow(id), {});

      // The same form, the key typed: saved with both changes.
      await input(ann, 'taxjarApiKeyNew').fill('tj_checked_key_8642');
      expect((await save(ann, id)).notice?.type).toBe('success');
      const after = await tenantRow(id);
      expectOnly(before, after, { name: 'Checked Addresses Co', addressValidation: true, taxjarApiKey: after.taxjarApiKey });
      expect(app.services.secrets.decrypt(String(after.taxjarApiKey))).toBe('tj_checked_key_8642');

      // Reloaded: every field as before but the name and the box (the key's field is write-only: empty).
      await openEdit(ann, id, 'Checked Addresses Co');
      expect(await box(ann, 'addressValidation').isChecked()).toBe(true);
      const formAfter = await readForm(ann);
      expect(formAfter.addressValidation).not.toEqual(formBefore.addressValidation);
      await expectForm(ann, formBefore, { name: 'Checked Addresses Co', addressValidation: formAfter.addressValidation });
    },
  );

  it(
    'Cash App Pay ticked after Square was disconnected is refused in words; a box left as shown is not',
    { timeout: 420_000 },
    async () => {
      ann.reportFailure('cash-app-ann');
      // 1. Cash App Pay was on: a disconnect switches it off while Ann's form still shows it ticked. Her name change,
      //    which leaves the box as shown, is saved, and Cash App Pay stays off.
      const id = await shop('Square Shop', ['ZELLE', 'CASHAPP_PAY']);
      await openEdit(ann, id, 'Square Shop');
      expect((await readForm(ann)).enabledPaymentMethods).toEqual(['CASHAPP_PAY', 'ZELLE']);
      await app.services.paymentConnections.disconnect({ tenantId: id, actor: { type: 'SYSTEM' } }, 'SQUARE');
      const afterDisconnect = await tenantRow(id);
      expect(afterDisconnect.enabledPaymentMethods).toEqual(['ZELLE']);
      await input(ann, 'name').fill('Square Shop East');
      const renamed = await save(ann, id);
      expect(renamed.notice).toMatchObject({ type: 'success' });
      expectOnly(afterDisconnect, await tenantRow(id), { name: 'Square Shop East' });

      // 2. Now Cash App Pay is off and Square disconnected: ticking it again is refused, naming it in words.
      await openEdit(ann, id, 'Square Shop East');
      const formNow = await readForm(ann);
      expect(formNow.enabledPaymentMethods).toEqual(['ZELLE']);
      await box(ann, 'enabledPaymentMethods', 'CASHAPP_PAY').check();
      await input(ann, 'paymentInstructions.ZELLE.handle').fill('zelle@methods.test');
      const refused = await save(ann, id);
      await ann.shot('cash-app-refused');
      expect(refused.notice).toMatchObject({
        type: 'error',
        message: expect.stringMatching(/^Cash App Pay can be switched on only while the shop's Square \(Cash App Pay\) connection works/),
      });
      expect(refused.notice?.message).not.toContain('CASHAPP_PAY');
      expectOnly(afterDisconnect, await tenantRow(id), { name: 'Square Shop East' });
      await openEdit(ann, id, 'Square Shop East');
      await expectForm(ann, formNow, {});
    },
  );
});
