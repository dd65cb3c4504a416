// "Use suggested" / "Keep mine" on the address checker's correction, tapped twice on a phone (two interactions,
// two ids), through signed requests: the first tap takes the address and shows the shipping step; the second found
// no suggestion waiting and answered "There is no suggested address to accept: enter your address again.", telling
// the customer to type again an address that was taken. It now shows where the order stands (the same next screen).
//
// And a change of mind: "Use suggested" then "Keep mine" (or the other way round). The second tap also finds no
// suggestion waiting, and the next screen said nothing of the second choice being refused: the customer believed
// their own address (or the suggested one) was taken. The screen now says which address was kept; a second tap of
// the same button says nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTaxjar } from '../../src/dev/fake-taxjar.js';
import type { RecordedCall } from '../../src/dev/fake-discord-api.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  APP_ID,
  commandInteraction,
  componentInteraction,
  interact,
  member,
  messageOf,
  modalInteraction,
  startHarness,
  textOf,
  type Harness,
} from './harness.js';

let h: Harness;
let taxjar: FakeTaxjar;
const f = factories();
const db = testDb();

beforeAll(async () => {
  taxjar = await new FakeTaxjar({
    rate: 0,
    suggest: (a) => ({ ...a, street: (a.street ?? '').toUpperCase().replace(/ ST$/, ' STREET'), zip: '62701-1234' }),
  }).start();
  h = await startHarness({ env: { TAXJAR_API_URL: taxjar.url } });
});
afterAll(async () => {
  await h.stop();
  await taxjar.stop();
});

/** A customer at the correction step: the address modal was deferred and its screen delivered by a webhook edit. */
async function atCorrection() {
  const s = await f.shop({ tenant: { addressValidation: true, taxjarApiKey: 'k' } });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const start = await interact(h, commandInteraction(as, 'order'));
  const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(start)));
  const submit = modalInteraction(
    as,
    'order:address:modal',
    { name: 'Jo Doe', street: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' },
    messageOf(addressStep),
  );
  await interact(h, submit);
  const corrected: RecordedCall = await h.fake.waitFor(
    (c) => c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${submit.token}/messages/@original`,
  );
  expect(JSON.stringify(corrected.body)).toContain('order:address:accept-corrected');
  return { ...s, as, message: { id: '1', channel_id: '1', ...(corrected.body as object) } };
}

describe.each([
  ['order:address:accept-corrected', '1 ELM STREET'],
  ['order:address:keep-original', '1 Elm St'],
])('%s tapped twice', (button, line1) => {
  it('answers the second tap with the shipping step, not "enter your address again"', async () => {
    const s = await atCorrection();
    const first = await interact(h, componentInteraction(s.as, button, { message: s.message }));
    expect(first.type).toBe(7);
    expect(textOf(first)).toContain('How should we ship it?');
    const second = await interact(h, componentInteraction(s.as, button, { message: s.message }));
    expect(second.type).toBe(7);
    expect(textOf(second)).not.toContain('enter your address again');
    expect(textOf(second)).toContain('How should we ship it?');
    expect(textOf(second)).toContain(line1);
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { address: true } });
    expect(session.address?.line1).toBe(line1);
  });
});

describe.each([
  ['order:address:accept-corrected', 'order:address:keep-original', '1 ELM STREET', 'The suggested address was already chosen'],
  ['order:address:keep-original', 'order:address:accept-corrected', '1 Elm St', 'The address you entered was already chosen'],
])('%s, then %s', (firstButton, secondButton, line1, said) => {
  it('says which address was kept', async () => {
    const s = await atCorrection();
    const first = await interact(h, componentInteraction(s.as, firstButton, { message: s.message }));
    expect(textOf(first)).toContain('How should we ship it?');
    expect(textOf(first)).not.toContain('already chosen');
    const second = await interact(h, componentInteraction(s.as, secondButton, { message: s.message }));
    expect(second.type).toBe(7);
    expect(textOf(second)).toContain(said);
    expect(textOf(second)).toContain('How should we ship it?');
    expect(textOf(second)).toContain(line1);
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { address: true } });
    expect(session.address?.line1).toBe(line1);
  });
});

describe('the same button tapped twice', () => {
  it('says nothing of a choice already made', async () => {
    const s = await atCorrection();
    await interact(h, componentInteraction(s.as, 'order:address:keep-original', { message: s.message }));
    const second = await interact(h, componentInteraction(s.as, 'order:address:keep-original', { message: s.message }));
    expect(textOf(second)).toContain('How should we ship it?');
    expect(textOf(second)).not.toContain('already chosen');
  });
});
