// Shop settings edited by two admins at once, each in a browser of their own (two Chromium profiles, two
// sign-ins): the payment methods' fields are one JSON column per kind (paymentInstructions, paymentWindowMinutes)
// but separate fields on the form, so a save writes exactly what its admin changed (platform/form-edits.ts merges
// inside the column, key path by key path). B's Zelle change and A's Venmo change are both kept, every field read
// back; both changing the Venmo handle refuses the second save, naming "Venmo handle", with nothing written; and
// the show page's History says each change in the form's words, not JSON. Screenshots in
// test-output/admin-settings-two-admins/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly } from '../helpers/expect-only.js';

const db = () => testDb();
const f = () => factories();
const METHODS = ['VENMO_P2P', 'ZELLE'] as const;

describe.skipIf(!runBrowserTests)('Shop settings saved by two admins at once', () => {
  let app: RunningAdmin;
  let ann: BrowserSession;
  let bob: BrowserSession;
  let tenantId = '';
  const roles = [snowflake()];
  const channel = snowflake();

  beforeAll(async () => {
    app = await startAdminApp();
    const tenant = await f().tenant({
      name: 'Two Desks',
      enabledPaymentMethods: [...METHODS],
      paymentInstructions: {
        VENMO_P2P: { handle: '@twodesks', instructions: 'Pay @twodesks on Venmo' },
        ZELLE: { handle: 'pay@twodesks.test', instructions: 'Zelle pay@twodesks.test' },
      },
      paymentWindowMinutes: { VENMO_P2P: 1440 },
      taxjarFromAddress: { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' },
      adminChannelId: channel,
      adminRoleIds: roles,
    });
    tenantId = tenant.id;
    ann = await openBrowser('admin-settings-two-admins/ann');
    bob = await openBrowser('admin-settings-two-admins/bob');
    await ann.signIn(app.baseUrl, (await f().adminUser({ tenantId, email: 'ann@twodesks.test' })).email);
    await bob.signIn(app.baseUrl, (await f().adminUser({ tenantId, email: 'bob@twodesks.test' })).email);
  }, 480_000);
  afterAll(async () => {
    await ann?.close();
    await bob?.close();
    await app?.close();
  });

  const tenantRow = () => db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const input = (who: BrowserSession, name: string) => who.page.locator(`[name="${name}"]`).first();

  /** Opens the edit form and waits until it shows the saved shop and the per-method rows. */
  async function openEdit(who: BrowserSession) {
    await who.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/edit`);
    await expect.poll(() => input(who, 'name').inputValue(), { timeout: 60_000 }).toBe('Two Desks');
    await input(who, 'paymentInstructions.VENMO_P2P.handle').waitFor();
  }
  async function save(who: BrowserSession): Promise<{ notice?: { message: string; type: string } }> {
    const resp = await pressSave(who.page, `/records/${tenantId}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  /** Every field of the form as it reads now, by its input's name. */
  async function readForm(who: BrowserSession): Promise<Record<string, unknown>> {
    const value = (name: string) => input(who, name).inputValue();
    const ticked = (name: string) =>
      who.page
        .locator(`input[type="checkbox"][name="${name}"]`)
        .evaluateAll((boxes) => boxes.filter((b) => (b as HTMLInputElement).checked).map((b) => (b as HTMLInputElement).value || 'on'));
    const out: Record<string, unknown> = {
      name: await value('name'),
      currency: await value('currency'),
      enabledPaymentMethods: (await ticked('enabledPaymentMethods')).sort(),
      adminChannelId: await value('adminChannelId'),
      adminRoleIds: [
        ...(await ticked('adminRoleIds')),
        ...(await who.page.getByTestId('multi-value-adminRoleIds-item').allTextContents()).map((t) => t.replace(/\D/g, '')),
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

  it("B's Zelle change and A's Venmo change, made in forms open at once, are both kept", { timeout: 420_000 }, async () => {
    ann.reportFailure('merged-ann');
    bob.reportFailure('merged-bob');
    const before = await tenantRow();
    await openEdit(ann);
    await openEdit(bob);
    await input(bob, 'paymentInstructions.ZELLE.instructions').fill('Zelle pay@twodesks.test, note your order');
    await input(bob, 'paymentWindowMinutes.ZELLE').fill('2');
    expect((await save(bob)).notice?.type).toBe('success');

    await input(ann, 'paymentInstructions.VENMO_P2P.handle').fill('@twodesks-shop');
    const mine = await save(ann);
    await ann.shot('merged-saved');
    expect(mine.notice?.type).toBe('success');

    const expected = {
      paymentInstructions: {
        VENMO_P2P: { handle: '@twodesks-shop', instructions: 'Pay @twodesks on Venmo' },
        ZELLE: { handle: 'pay@twodesks.test', instructions: 'Zelle pay@twodesks.test, note your order' },
      },
      paymentWindowMinutes: { VENMO_P2P: 1440, ZELLE: 120 },
    };
    expectOnly(before, await tenantRow(), expected);

    // Both admins' forms, opened again, show both changes; every field read back.
    const everyField = {
      name: 'Two Desks',
      currency: 'USD',
      enabledPaymentMethods: [...METHODS].sort(),
      adminChannelId: channel,
      adminRoleIds: [...roles].sort(),
      inventoryTracking: true,
      taxjarEnabled: false,
      taxjarApiKeyNew: '',
      addressValidation: false,
      timeZone: 'UTC',
      'VENMO_P2P.handle': '@twodesks-shop',
      'VENMO_P2P.instructions': 'Pay @twodesks on Venmo',
      'VENMO_P2P.window': '24 hours',
      'ZELLE.handle': 'pay@twodesks.test',
      'ZELLE.instructions': 'Zelle pay@twodesks.test, note your order',
      'ZELLE.window': '2 hours',
      'address.street': '1 Pike St',
      'address.city': 'Seattle',
      'address.state': 'WA',
      'address.zip': '98101',
      'address.country': 'US',
    };
    for (const who of [ann, bob]) {
      await openEdit(who);
      expect(await readForm(who)).toEqual(everyField);
    }
  });

  it(
    'both changing the Venmo handle: the second save is refused, naming "Venmo handle", and writes nothing',
    { timeout: 420_000 },
    async () => {
      ann.reportFailure('same-field-ann');
      await openEdit(ann);
      await openEdit(bob);
      await input(bob, 'paymentInstructions.VENMO_P2P.handle').fill('@bob-desk');
      expect((await save(bob)).notice?.type).toBe('success');
      const afterBob = await tenantRow();
      expect(afterBob.paymentInstructions).toMatchObject({ VENMO_P2P: { handle: '@bob-desk' } });

      await input(ann, 'paymentInstructions.VENMO_P2P.handle').fill('@ann-desk');
      // A change to another field in the same save is not written either: the save is refused whole.
      await input(ann, 'paymentInstructions.ZELLE.handle').fill('ann@twodesks.test');
      const refused = await save(ann);
      const conflict = 'Venmo handle @twodesks-shop -> @bob-desk';
      expect(refused.notice).toMatchObject({
        type: 'error',
        message: expect.stringContaining(`This shop changed since you opened it (${conflict})`),
      });
      expect(refused.notice?.message).not.toContain('VENMO_P2P');
      // Said under the Venmo handle itself.
      const error = ann.page.getByTestId('error-paymentInstructions.VENMO_P2P.handle');
      await expect.poll(() => error.textContent(), { timeout: 60_000 }).toBe(`Changed since you opened the form (${conflict}).`);
      await ann.shot('same-field-refused');
      expectOnly(afterBob, await tenantRow(), {});
    },
  );

  it("the show page's History says each change in the form's words", { timeout: 420_000 }, async () => {
    ann.reportFailure('history');
    await openEdit(ann);
    await input(ann, 'taxjarFromAddress.city').fill('Tacoma');
    expect((await save(ann)).notice?.type).toBe('success');
    await ann.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenantId}/show`);
    const timeline = ann.page.getByTestId('audit-timeline');
    await expect.poll(() => timeline.textContent(), { timeout: 60_000 }).toContain('Ship-from address');
    const lines = (await timeline.locator('li li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    await timeline.screenshot({ path: `${ann.out}/history-timeline.png` });
    expect(lines).toEqual(
      expect.arrayContaining([
        'Ship-from address: 1 Pike St, Seattle, WA 98101, US → 1 Pike St, Tacoma, WA 98101, US',
        'Venmo handle: @twodesks-shop → @bob-desk',
        'Venmo handle: @twodesks → @twodesks-shop',
        'Zelle instructions: Zelle pay@twodesks.test → Zelle pay@twodesks.test, note your order',
        'Zelle pay window: default (2 days) → 2 hours',
      ]),
    );
    expect(await timeline.textContent()).not.toContain('{');
  });
});
