// What a customer sees stays within Discord's limits and says what is wrong in plain sentences, through
// signed requests: /catalog pages fit 10 embeds and 6000 characters with nothing dropped, /orders counts
// "1 order", and the quantity and address forms answer with sentences naming the field as the form does
// (never "address.line1: Too small..."), refusing a country code that is no country.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  commandInteraction,
  componentInteraction,
  interact,
  member,
  messageOf,
  modalInteraction,
  textOf,
  useHarness,
  type Reply,
} from './harness.js';
import { embedsOf, messageEmbedChars } from './embed-limits.js';

const f = factories();
const db = testDb();

const h = useHarness();

async function shop() {
  const s = await f.shop();
  return { ...s, as: () => ({ guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) }) };
}

/** Developer text that must never reach a customer: a field's path, zod's wording, the "Invalid x:" prefix. */
const DEVELOPER_TEXT = /address\.|line1|postalCode|Too (small|big)|expected string|Invalid (address|quantity)|quantity:/;

interface Button {
  custom_id?: string;
  label?: string;
  disabled?: boolean;
}

const buttonsOf = (res: Reply) => (res.data?.components ?? []).flatMap((r) => r.components) as Button[];

/** Walks /catalog with its Next button, checking each page against Discord's limits; the products' names in order. */
async function walkCatalog(as: ReturnType<Awaited<ReturnType<typeof shop>>['as']>) {
  const seen: string[] = [];
  let reply: Reply = await interact(h, commandInteraction(as, 'catalog'));
  for (let page = 0; page < 50; page++) {
    const embeds = embedsOf(reply);
    expect(embeds.length).toBeGreaterThan(0);
    expect(embeds.length).toBeLessThanOrEqual(10);
    expect(messageEmbedChars(embeds)).toBeLessThanOrEqual(6000);
    for (const e of embeds) expect(e.description!.length).toBeLessThanOrEqual(4096);
    seen.push(...embeds.map((e) => e.title!));
    const buttons = buttonsOf(reply);
    // One Order button per product shown, and at most 5 rows.
    expect(buttons.filter((b) => b.custom_id?.startsWith('catalog:order:'))).toHaveLength(embeds.length);
    expect(reply.data!.components!.length).toBeLessThanOrEqual(5);
    const next = buttons.find((b) => b.label?.startsWith('Next'));
    if (!next || next.disabled) return { seen, pages: page + 1, last: reply };
    expect(next.custom_id).toBe(`catalog:page:${page + 1}`);
    expect(next.label).toMatch(new RegExp(`^Next \\(page ${page + 1} of \\d+\\)$`));
    reply = await interact(h, componentInteraction(as, next.custom_id!, { message: messageOf(reply) }));
    expect(buttonsOf(reply).find((b) => b.label === 'Previous')).toMatchObject({ custom_id: `catalog:page:${page}`, disabled: false });
  }
  throw new Error('the catalog never reached its last page');
}

describe('/catalog within Discord embed limits', () => {
  it('puts fewer products on a page when long descriptions would pass 6000 characters, dropping none', async () => {
    const s = await shop();
    // The reviewer's case: three ~1,980-character descriptions among ten products (7,030 characters on one page).
    for (let i = 0; i < 8; i++) {
      await f.product({ tenantId: s.tenant.id, sortOrder: -1, description: i < 3 ? `Long story ${i}. ${'x'.repeat(1970)}` : 'Short.' });
    }
    const expected = (await db.product.findMany({ where: { tenantId: s.tenant.id } })).map((p) => p.name);
    const { seen, pages } = await walkCatalog(s.as());
    expect(pages).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual([...expected].sort());
    expect(new Set(seen).size).toBe(expected.length);
    // Descriptions are shown whole, not shortened to make room.
    const long = await db.product.findMany({ where: { tenantId: s.tenant.id, description: { startsWith: 'Long story' } } });
    const reply = await interact(h, commandInteraction(s.as(), 'catalog'));
    const pageOne = embedsOf(reply);
    const shownLong = pageOne.filter((e) => e.description?.startsWith('Long story'));
    expect(shownLong.length).toBeGreaterThan(0);
    for (const e of shownLong) expect(long.map((p) => p.description)).toContain(e.description!.split('\n')[0]);
  });

  it('shows one product a page when each description is Discord’s longest, with its price kept', async () => {
    const s = await shop();
    for (let i = 0; i < 3; i++)
      await f.product({ tenantId: s.tenant.id, sortOrder: -1, unitPriceCents: 4200, description: 'y'.repeat(5000) });
    const { seen, pages, last } = await walkCatalog(s.as());
    expect(seen).toHaveLength(5);
    expect(pages).toBeGreaterThanOrEqual(3);
    // An old Next button past the end shows the last page.
    const past = await interact(h, componentInteraction(s.as(), 'catalog:page:40'));
    expect(embedsOf(past).map((e) => e.title)).toEqual(embedsOf(last).map((e) => e.title));
    const first = await interact(h, commandInteraction(s.as(), 'catalog'));
    expect(embedsOf(first)[0]!.description).toMatch(/…\n\*\*\$42\.00\*\*$/);
  });
});

describe('/orders footer', () => {
  it('says "1 order" for one order and "2 orders" for two', async () => {
    const s = await shop();
    await f.order({ tenantId: s.tenant.id, customerId: s.customer.id });
    const one = await interact(h, commandInteraction(s.as(), 'orders'));
    expect(embedsOf(one)[0]!.footer?.text).toBe('Page 1 of 1 · 1 order');
    await f.order({ tenantId: s.tenant.id, customerId: s.customer.id });
    const two = await interact(h, commandInteraction(s.as(), 'orders'));
    expect(embedsOf(two)[0]!.footer?.text).toBe('Page 1 of 1 · 2 orders');
  });
});

describe('the quantity modal', () => {
  it.each(['0', '1000', '9999', '2.5', 'lots'])('answers %j with one plain sentence', async (quantity) => {
    const s = await shop();
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    const res = await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity }, messageOf(start)));
    expect(embedsOf(res)[0]!.description).toBe('Quantity must be a whole number from 1 to 999.');
    expect(textOf(res)).not.toMatch(DEVELOPER_TEXT);
  });
});

describe('the address modal', () => {
  async function atAddressStep() {
    const s = await shop();
    const start = await interact(h, commandInteraction(s.as(), 'order'));
    const step = await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(start)));
    return { s, step };
  }
  const typed = { line1: '1 Elm St', line2: '', city: 'Springfield', state: 'IL', postal_country: '62701 US' };
  /** The refusal's own sentences (the retry message's description, before its "Fix the address" line). */
  const problemOf = (res: Reply) => embedsOf(res)[0]!.description!.split('\n\n')[0];

  it('names each missing field as the form labels it', async () => {
    const { s, step } = await atAddressStep();
    const res = await interact(h, modalInteraction(s.as(), 'order:address:modal', { ...typed, line1: '  ', city: '' }, messageOf(step)));
    expect(problemOf(res)).toBe('Street address is required. City is required.');
    expect(textOf(res)).not.toMatch(DEVELOPER_TEXT);
  });

  it('says how long a postal code may be', async () => {
    const { s, step } = await atAddressStep();
    const res = await interact(
      h,
      modalInteraction(s.as(), 'order:address:modal', { ...typed, postal_country: `${'1'.repeat(25)} US` }, messageOf(step)),
    );
    expect(problemOf(res)).toBe('Postal code can be at most 20 characters.');
  });

  it('lists a missing country together with the other problems', async () => {
    const { s, step } = await atAddressStep();
    const res = await interact(
      h,
      modalInteraction(s.as(), 'order:address:modal', { ...typed, city: '', postal_country: '62701' }, messageOf(step)),
    );
    expect(problemOf(res)).toBe('City is required. Enter the postal code and the two-letter country, for example "62701 US".');
  });

  it('refuses a country code that is no country, and neither uses nor saves the address', async () => {
    const { s, step } = await atAddressStep();
    const res = await interact(
      h,
      modalInteraction(s.as(), 'order:address:modal', { ...typed, postal_country: '62701 ZZ' }, messageOf(step)),
    );
    expect(problemOf(res)).toBe('Country must be a two-letter country code, such as US, GB or DE.');
    expect(buttonsOf(res).map((b) => b.custom_id)).toContain('order:address:retry');
    expect(await db.address.count({ where: { customerId: s.customer.id } })).toBe(0);
    expect((await db.orderSession.findFirstOrThrow({ where: { customerId: s.customer.id } })).addressId).toBeNull();
    // A real one, typed in lower case, goes on to the shipping step.
    const ok = await interact(
      h,
      modalInteraction(s.as(), 'order:address:modal', { ...typed, postal_country: 'SW1A 1AA, gb' }, messageOf(res)),
    );
    expect(buttonsOf(ok).map((b) => b.custom_id)).toContain('order:shipping-type-select');
    expect((await db.address.findFirstOrThrow({ where: { customerId: s.customer.id } })).country).toBe('GB');
  });

  it('answers the legacy form and /order-shipping the same way', async () => {
    const s = await shop();
    await interact(h, commandInteraction(s.as(), 'order-start'));
    await interact(h, componentInteraction(s.as(), `legacy:add:${s.products[0]!.id}`));
    await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    const form = await interact(h, modalInteraction(s.as(), 'legacy:address-modal', { ...typed, line1: '' }));
    expect(problemOf(form)).toBe('Street address is required.');
    const options = await interact(
      h,
      commandInteraction(s.as(), 'order-shipping', { street: '5 Oak Ave', city: 'Portland', zip: '97201', country: 'ZZ' }),
    );
    expect(embedsOf(options)[0]!.description).toBe(
      'Country must be a two-letter country code, such as US, GB or DE. Correct the country option of `/order-shipping`.',
    );
    const partial = await interact(h, commandInteraction(s.as(), 'order-shipping', { street: '5 Oak Ave' }));
    expect(embedsOf(partial)[0]!.description).toBe(
      'City is required. Postal code is required. Country is required. Correct the city, zip and country options of `/order-shipping`.',
    );
    expect(textOf(options)).not.toMatch(DEVELOPER_TEXT);
    expect(await db.address.count({ where: { customerId: s.customer.id } })).toBe(0);
  });
});
