// Round trip of every panel form, in Chromium: open a record's edit page, change ONE field, save, and read
// the record back from the database (every other column unchanged, the changed one as typed) and from its
// show page (what the form saved is what the page shows). Driven by CASES: a new resource is one more entry.
// Screenshots of each edit and show page are kept in test-output/admin-round-trip/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

type Row = Record<string, unknown>;
type Shop = Awaited<ReturnType<typeof seedShop>>;

interface RoundTripCase {
  /** AdminJS resource id. */
  resource: string;
  /** Who edits it: the shop's owner, or a platform admin (guild links are the platform's). */
  as?: 'owner' | 'platform';
  /** Creates the record with every field holding a non-default value; returns its id. */
  seed(shop: Shop): Promise<string>;
  /** The row as stored. */
  read(id: string): Promise<Row>;
  /** The one field the test changes, by the edit form's input name, and the column that must hold `to`. */
  change: { input: string; to: string; column?: string };
  /** Texts the show page must contain for this row (the saved values as the panel shows them). */
  shows(row: Row): string[];
  /** The save shows up in the page's History timeline (default true; the order page has its own trail). */
  audited?: boolean;
  /** Columns the save changes on purpose besides the edited one (set, not equal to before). */
  alsoSets?: string[];
}

const db = () => testDb();
const f = () => factories();

async function seedShop() {
  const tenant = await f().tenant({
    // Manual methods only: processor-backed ones cannot be saved without a working payment connection.
    enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CASHAPP_P2P'],
    adminRoleIds: [snowflake(), snowflake()],
    taxjarFromAddress: { country: 'US', zip: '94103', state: 'CA' },
  });
  const owner = await f().adminUser({ tenantId: tenant.id });
  const platform = await f().adminUser({ role: 'PLATFORM_ADMIN', tenantId: null });
  const customer = await f().customer({ tenantId: tenant.id, displayName: 'Casey Customer' });
  return { tenant, owner, platform, customer };
}

const CASES: RoundTripCase[] = [
  {
    resource: 'Tenant',
    seed: async (s) => s.tenant.id,
    read: (id) => db().tenant.findUniqueOrThrow({ where: { id } }),
    change: { input: 'name', to: 'Renamed Shop' },
    shows: (r) => [...(r.adminRoleIds as string[]), String(r.adminChannelId), 'Venmo', 'Zelle', 'Cash App (manual)'],
  },
  {
    resource: 'Product',
    seed: async (s) =>
      (
        await f().product({
          tenantId: s.tenant.id,
          description: 'Soft hoodie',
          requiredRoleIds: [snowflake(), snowflake()],
          grantedRoleIds: [snowflake()],
          trackStock: true,
          stock: 7,
          sortOrder: 3,
        })
      ).id,
    read: (id) => db().product.findUniqueOrThrow({ where: { id } }),
    change: { input: 'name', to: 'Renamed Hoodie' },
    shows: (r) => [...(r.requiredRoleIds as string[]), ...(r.grantedRoleIds as string[]), 'Soft hoodie', '$15.00'],
  },
  {
    resource: 'Discount',
    seed: async (s) =>
      (
        await f().discount({
          tenantId: s.tenant.id,
          startsAt: new Date('2026-01-02T03:04:00Z'),
          endsAt: new Date('2027-05-06T07:08:00Z'),
          maxUses: 50,
          maxUsesPerCustomer: 2,
          minSubtotalCents: 1000,
        })
      ).id,
    read: (id) => db().discount.findUniqueOrThrow({ where: { id } }),
    change: { input: 'name', to: 'Spring sale' },
    shows: () => ['$10.00', '50'],
  },
  {
    resource: 'ShippingType',
    seed: async (s) => (await f().shippingType({ tenantId: s.tenant.id, priceCents: 725, digitalOnly: true, sortOrder: 2 })).id,
    read: (id) => db().shippingType.findUniqueOrThrow({ where: { id } }),
    change: { input: 'name', to: 'Express' },
    shows: () => ['$7.25'],
  },
  {
    resource: 'Customer',
    seed: async (s) => s.customer.id,
    read: (id) => db().customer.findUniqueOrThrow({ where: { id } }),
    change: { input: 'displayName', to: 'Casey C.' },
    // An admin's name wins over Discord's from now on (docs/decisions/customer-name-set-by-admin.md).
    alsoSets: ['displayNameSetByAdminAt'],
    shows: (r) => [String(r.username), String(r.discordUserId)],
  },
  {
    resource: 'AdminUser',
    seed: async (s) => (await f().adminUser({ tenantId: s.tenant.id, role: 'TENANT_STAFF' })).id,
    read: (id) => db().adminUser.findUniqueOrThrow({ where: { id } }),
    change: { input: 'email', to: 'renamed-staff@round.trip' },
    shows: () => ['Staff'],
  },
  {
    resource: 'Order',
    // Tracking number and notes are empty (null) and stay so: the form must save with them empty.
    seed: async (s) =>
      (await f().order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paidAt: new Date(), paymentStatus: 'paid' })).id,
    read: (id) => db().order.findUniqueOrThrow({ where: { id } }),
    change: { input: 'trackingNumber', to: '1Z999AA10123456784' },
    shows: () => ['$15.00'],
    audited: false,
  },
  {
    resource: 'Guild',
    as: 'platform',
    seed: async (s) => (await f().guild({ tenantId: s.tenant.id })).id,
    read: (id) => db().guild.findUniqueOrThrow({ where: { id } }),
    change: { input: 'name', to: 'Renamed server' },
    shows: (r) => [String(r.id)],
  },
];

/** Columns that legitimately change on any save. */
const VOLATILE = new Set(['updatedAt']);

describe.skipIf(!runBrowserTests)('every panel form saves exactly what it shows', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let shop: Shop;
  let signedInAs = '';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-round-trip');
    shop = await seedShop();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(CASES.map((c) => [c.resource, c] as const))(
    '%s: edit one field, everything else survives',
    async (_name, c) => {
      const { page } = browser;
      browser.trail.length = 0;
      browser.reportFailure(c.resource);
      const who = c.as === 'platform' ? shop.platform : shop.owner;
      if (signedInAs !== who.email) {
        await browser.signInForNextPage(app.baseUrl, who.email);
        signedInAs = who.email;
      }
      const id = await c.seed(shop);
      const before = await c.read(id);
      const column = c.change.column ?? c.change.input;

      await page.goto(`${app.baseUrl}/admin/resources/${c.resource}/records/${id}/edit`);
      const field = page.locator(`[name="${c.change.input}"], #${c.change.input}`).first();
      await field.waitFor();
      await browser.shot(`${c.resource}-1-edit`);
      const kind = await field.evaluate((el) =>
        el.tagName === 'SELECT' ? 'select' : el.getAttribute('role') === 'combobox' ? 'combobox' : 'text',
      );
      if (kind === 'select') await field.selectOption(c.change.to);
      else if (kind === 'combobox') {
        // react-select: type the option and pick it.
        await field.fill(c.change.to);
        await page.keyboard.press('Enter');
      } else await field.fill(c.change.to);
      await page.locator('[data-testid="button-save"], form button[type="submit"]').first().click();

      // Saved: the changed column holds what was typed ...
      await expect
        .poll(async () => String((await c.read(id))[column]), {
          timeout: 45_000,
          message: `${c.resource}.${column} was not saved; notices: ${await page
            .locator('[data-testid="notice-wrapper"]')
            .allTextContents()
            .catch(() => [])}`,
        })
        .toBe(c.change.to);
      // ... and every other column is exactly as it was.
      const after = await c.read(id);
      for (const key of Object.keys(before)) {
        if (key === column || VOLATILE.has(key)) continue;
        if (c.alsoSets?.includes(key)) {
          expect(after[key], `${c.resource}.${key} set by a save of ${column}`).not.toBeNull();
          continue;
        }
        expect(after[key], `${c.resource}.${key} changed by a save of ${column}`).toEqual(before[key]);
      }

      // The show page shows what was saved.
      await page.goto(`${app.baseUrl}/admin/resources/${c.resource}/records/${id}/show`);
      await page.waitForSelector(`text=${c.change.to}`);
      const body = (await page.textContent('body')) ?? '';
      for (const text of c.shows(after)) expect(body, `${c.resource} show page`).toContain(text);
      if (c.audited !== false) {
        // The save is on the record, in words: "Changed the ..." with the new value.
        const latest = page.locator('[data-testid="audit-timeline-item"]').first();
        await expect.poll(() => latest.textContent()).toContain(c.change.to);
        expect(await latest.textContent()).toContain(who.email);
      }
      await browser.shot(`${c.resource}-2-show`);
      expect(
        browser.trail.filter((t) => !t.startsWith('console:')),
        'failed requests',
      ).toEqual([]);
    },
    360_000,
  );
});
