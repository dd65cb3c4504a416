// The panel's other "New" forms, in Chromium: a discount assignment and an address (a shop admin), a shop and a
// Discord server (a platform admin). Every field is filled as the person does (reference fields are the
// searching selects: type part of the name, take the option), saved, and the row is read back from the
// database (every column as typed) and from its show page. admin-new-forms.browser.test.ts covers products,
// shipping types, discounts and admin users the same way.
// The reference selects offer only the signed-in admin's shop: another shop's customer is not offered.
// Screenshots are kept in test-output/admin-more-new-forms/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { openSecret } from '../../src/platform/secret-box.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';
import { newFormDriver } from './new-form-driver.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)('the New forms of assignments, addresses, shops and Discord servers save every field as typed', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId: string;
  let otherTenantId: string;
  let ownerEmail: string;
  let platformEmail: string;
  /** Words unique to this run, so names typed into a search match only this file's rows. */
  const run = Math.random().toString(36).slice(2, 7);

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-more-new-forms');
    const tenant = await f().tenant({ name: `Harbor Goods ${run}`, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] });
    tenantId = tenant.id;
    otherTenantId = (await f().tenant({ name: `Other Goods ${run}`, enabledPaymentMethods: ['ZELLE'] })).id;
    ownerEmail = (await f().adminUser({ tenantId })).email;
    platformEmail = (await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const form = newFormDriver({ browser: () => browser, baseUrl: () => app.baseUrl });
  const { openNew, fill, pick, expectOffered, pickReference, tick, opensTicked, opensWith, save, shows } = form;

  it(
    "Discount assignment: the discount and the customer are picked by name, the shop's own only, and saved",
    { timeout: 420_000 },
    async () => {
      const discount = await f().discount({ tenantId, name: `Loyal ten ${run}`, scope: 'ASSIGNED' });
      await f().discount({ tenantId: otherTenantId, name: `Loyal twenty ${run}`, scope: 'ASSIGNED' });
      const customer = await f().customer({ tenantId, displayName: `Robin Reyes ${run}` });
      await f().customer({ tenantId: otherTenantId, displayName: `Robin Rivera ${run}` });

      await openNew('DiscountAssignment', ownerEmail, 'discount', 'DiscountAssignment');
      // Each select offers this shop's records only: the other shop's "Loyal twenty" and "Robin Rivera" are not offered.
      await expectOffered('discount', `Loyal`, [`Loyal ten ${run}`]);
      await expectOffered('customer', `Robin`, [`Robin Reyes ${run}`]);
      // Their Discord username finds them too, named as the shop named them.
      await expectOffered('customer', customer.username!, [`Robin Reyes ${run}`]);

      await pickReference('discount', 'Loyal ten', `Loyal ten ${run}`);
      await pickReference('customer', 'Reyes', `Robin Reyes ${run}`);
      const row = await save('DiscountAssignment', () =>
        db().discountAssignment.findFirst({ where: { discountId: discount.id, customerId: customer.id } }),
      );
      expect(row).toMatchObject({ tenantId, discountId: discount.id, customerId: customer.id, usedCount: 0 });
      await shows([`Loyal ten ${run}`, `Robin Reyes ${run}`], 'DiscountAssignment');
    },
  );

  it(
    'Discount assignment: a customer Discord gave no display name is found and named by their Discord username',
    { timeout: 420_000 },
    async () => {
      // Discord users without a global name arrive with a username only (surfaces/discord/dispatch.ts profileOf).
      const discount = await f().discount({ tenantId, name: `Welcome back ${run}`, scope: 'ASSIGNED' });
      const customer = await f().customer({ tenantId, username: `quinn_${run}`, displayName: null });
      await f().customer({ tenantId: otherTenantId, username: `quinn_${run}x`, displayName: null });

      await openNew('DiscountAssignment', ownerEmail, 'discount', 'DiscountAssignment-username');
      await expectOffered('customer', `quinn_${run}`, [`quinn_${run}`]);
      await pickReference('discount', 'Welcome back', `Welcome back ${run}`);
      await pickReference('customer', `quinn_${run}`, `quinn_${run}`);
      const row = await save('DiscountAssignment', () =>
        db().discountAssignment.findFirst({ where: { discountId: discount.id, customerId: customer.id } }),
      );
      expect(row).toMatchObject({ tenantId, discountId: discount.id, customerId: customer.id, usedCount: 0 });
      // The page names the customer, not their internal id.
      await shows([`Welcome back ${run}`, `quinn_${run}`], 'DiscountAssignment-username');
    },
  );

  it('Address: the customer picked by name and every line typed are saved and shown', { timeout: 420_000 }, async () => {
    const customer = await f().customer({ tenantId, displayName: `Jordan Lake ${run}` });
    await f().customer({ tenantId: otherTenantId, displayName: `Jordan Lamb ${run}` });

    const page = await openNew('Address', ownerEmail, 'customer', 'Address');
    await expectOffered('customer', 'Jordan', [`Jordan Lake ${run}`]);
    await pickReference('customer', 'Jordan Lake', `Jordan Lake ${run}`);
    await fill('name', 'Jordan Lake');
    // Ticked as a person does, by its words (components/checkbox-with-help.tsx: AdminJS's drawn box lies over the input).
    await page.locator('label[for="nameTyped"]').click();
    // React ticks it on its next render: wait for it (CI on Node 24 read the box before that render once).
    await expect.poll(() => page.locator('input[type="checkbox"][name="nameTyped"]').isChecked()).toBe(true);
    await fill('line1', '400 Queen St W');
    await fill('line2', 'Unit 12');
    await fill('city', 'Toronto');
    await fill('state', 'ON');
    await fill('postalCode', 'M5V 2A8');
    await fill('country', 'CA');
    const row = await save('Address', () => db().address.findFirst({ where: { customerId: customer.id } }));
    expect(row).toMatchObject({
      tenantId,
      customerId: customer.id,
      name: 'Jordan Lake',
      nameTyped: true,
      line1: '400 Queen St W',
      line2: 'Unit 12',
      city: 'Toronto',
      state: 'ON',
      postalCode: 'M5V 2A8',
      country: 'CA',
    });
    await shows(
      ['400 Queen St W', `Jordan Lake ${run}`, 'Unit 12', 'Toronto', 'ON', 'M5V 2A8', 'CA', 'Recipient name confirmed'],
      'Address',
    );
  });

  it('Shop: a platform admin fills every field of a new shop, and it is saved and shown', { timeout: 420_000 }, async () => {
    const page = await openNew('Tenant', platformEmail, 'name', 'Tenant');
    const roles = [snowflake(), snowflake()];
    const name = `Maple Supply ${run}`;
    await fill('name', name);
    await fill('currency', 'CAD');
    await page.locator('input[type="checkbox"][name="enabledPaymentMethods"][value="VENMO_P2P"]').check();
    await page.locator('input[type="checkbox"][name="enabledPaymentMethods"][value="CHIME"]').check();
    // Ticking a method gave it a row: its handle, instructions and pay window (hours unless switched to minutes).
    await fill('paymentInstructions.VENMO_P2P.handle', '@maple');
    await fill('paymentInstructions.VENMO_P2P.instructions', 'Pay @maple with your order number');
    await fill('paymentWindowMinutes.VENMO_P2P', '24');
    await page.locator('select[name="paymentWindowMinutes.CHIME.unit"]').selectOption('minutes');
    await fill('paymentWindowMinutes.CHIME', '720');
    // The admin channel stays empty: it must be a channel of the shop's own Discord server, and a new shop has none
    // linked yet (modules/tenants/admin-channel.ts: the save would be refused).
    for (const role of roles) {
      await page.getByTestId('multi-value-adminRoleIds-input').fill(role);
      await page.keyboard.press('Enter');
    }
    await expect.poll(() => page.getByTestId('multi-value-adminRoleIds-item').allTextContents()).toHaveLength(2);
    await opensTicked('inventoryTracking');
    // TaxJar stays off: it taxes US sales in US dollars, and this shop sells in CAD (admin-shop-currency.test.ts).
    // Its key and address are kept for the day the shop sells in USD.
    await fill('taxjarApiKeyNew', 'tj_live_5f3e9a7c21d4');
    await fill('taxjarFromAddress.country', 'US');
    await fill('taxjarFromAddress.zip', '98101');
    await fill('taxjarFromAddress.state', 'WA');
    await fill('taxjarFromAddress.city', 'Seattle');
    await fill('taxjarFromAddress.street', '1 Pike St');
    await tick('addressValidation');
    await pick('roleRemovalPolicy', 'Record it under Role changes');
    await fill('timeZone', 'America/Toronto');
    const row = await save('Tenant', () => db().tenant.findFirst({ where: { name } }));
    expect(row).toMatchObject({
      name,
      currency: 'CAD',
      enabledPaymentMethods: ['VENMO_P2P', 'CHIME'],
      paymentInstructions: { VENMO_P2P: { handle: '@maple', instructions: 'Pay @maple with your order number' } },
      paymentWindowMinutes: { VENMO_P2P: 1440, CHIME: 720 },
      adminChannelId: null,
      adminRoleIds: roles,
      inventoryTracking: true,
      taxjarEnabled: false,
      taxjarFromAddress: { country: 'US', zip: '98101', state: 'WA', city: 'Seattle', street: '1 Pike St' },
      addressValidation: true,
      roleRemovalPolicy: 'RECORD',
      timeZone: 'America/Toronto',
      nextOrderNumber: 1001,
    });
    // The key is stored sealed, and opens to the key typed.
    expect(row.taxjarApiKey).not.toContain('tj_live_5f3e9a7c21d4');
    expect(openSecret(app.services.secrets, String(row.taxjarApiKey))).toBe('tj_live_5f3e9a7c21d4');
    await shows(
      [
        name,
        'CAD',
        'Venmo, Chime',
        '@maple',
        'Pay window: 1 day',
        'Pay window: 12 hours',
        'Seattle, WA 98101',
        ...roles,
        '98101',
        '•••• 21d4',
        'Record it under Role changes',
        'America/Toronto',
      ],
      'Tenant',
    );
  });

  it('Shop: a new shop left as the form opened tracks its stock, in USD and UTC, and gives roles back', { timeout: 420_000 }, async () => {
    const page = await openNew('Tenant', platformEmail, 'name', 'Tenant defaults');
    const name = `Plain Shop ${run}`;
    await opensTicked('inventoryTracking');
    await opensWith('currency', 'USD');
    await opensWith('timeZone', 'UTC');
    await expect.poll(() => page.getByTestId('property-edit-roleRemovalPolicy').first().textContent()).toContain('Give the role back');
    await fill('name', name);
    const row = await save('Tenant', () => db().tenant.findFirst({ where: { name } }));
    expect(row).toMatchObject({
      currency: 'USD',
      inventoryTracking: true,
      taxjarEnabled: false,
      addressValidation: false,
      roleRemovalPolicy: 'REAPPLY',
      timeZone: 'UTC',
    });
    await shows([name, 'USD', 'Give the role back'], 'Tenant');
  });

  it('Discord server: a platform admin links a server id to a shop picked by name', { timeout: 420_000 }, async () => {
    await openNew('Guild', platformEmail, 'guildId', 'Guild');
    const guildId = snowflake();
    await fill('guildId', guildId);
    await fill('name', `Harbor Discord ${run}`);
    await pickReference('tenant', 'Harbor Goods', `Harbor Goods ${run}`);
    const row = await save('Guild', () => db().guild.findUnique({ where: { id: guildId } }));
    expect(row).toMatchObject({ id: guildId, name: `Harbor Discord ${run}`, tenantId });
    await shows([`Harbor Discord ${run}`, guildId, `Harbor Goods ${run}`], 'Guild');
  });
});
