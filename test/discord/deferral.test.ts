// The 3-second rule: steps that reach a slow outside service (address validation, tax) answer with a
// deferred response (type 6 on a component's message) and deliver the real screen by editing the original
// response (PATCH /webhooks/{app}/{token}/messages/@original) on the fake Discord API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTaxjar } from '../../src/dev/fake-taxjar.js';
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
  type Harness,
} from './harness.js';
import type { RecordedCall } from '../../src/dev/fake-discord-api.js';

let h: Harness;
let taxjar: FakeTaxjar;
const f = factories();
const db = testDb();

beforeAll(async () => {
  taxjar = await new FakeTaxjar({
    rate: 0.1,
    suggest: (a) => ({ ...a, street: (a.street ?? '').toUpperCase().replace(/ ST$/, ' STREET'), zip: '62701-1234' }),
  }).start();
  h = await startHarness({ env: { TAXJAR_API_URL: taxjar.url } });
});
afterAll(async () => {
  await h.stop();
  await taxjar.stop();
});

function bodyText(call: RecordedCall): string {
  return JSON.stringify(call.body);
}

async function patchedOriginal(token: string): Promise<RecordedCall> {
  return h.fake.waitFor((c) => c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${token}/messages/@original`);
}

describe('deferred steps', () => {
  it('defers address validation and tax, then edits the original message with the real screen', async () => {
    const s = await f.shop({
      tenant: {
        taxjarEnabled: true,
        addressValidation: true,
        taxjarApiKey: 'test-taxjar-key',
        taxjarFromAddress: { country: 'US', zip: '62701', state: 'IL', city: 'Springfield', street: '1 Shop Rd' },
      },
    });
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const start = await interact(h, commandInteraction(as, 'order'));
    const addressStep = await interact(
      h,
      modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(start)),
    );

    const modalSubmit = modalInteraction(
      as,
      'order:address:modal',
      { line1: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' },
      messageOf(addressStep),
    );
    const deferred = await interact(h, modalSubmit);
    expect(deferred).toEqual({ type: 6 });
    const corrected = await patchedOriginal(modalSubmit.token);
    expect(bodyText(corrected)).toContain('1 ELM STREET');
    expect(bodyText(corrected)).toContain('order:address:accept-corrected');

    const shipping = await interact(
      h,
      componentInteraction(as, 'order:address:accept-corrected', { message: { id: '1', channel_id: '1', ...(corrected.body as object) } }),
    );
    expect(shipping.type).toBe(7);
    const session = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { address: true } });
    expect(session.address?.line1).toBe('1 ELM STREET');

    const payment = await interact(
      h,
      componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
    );
    const pick = componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) });
    expect(await interact(h, pick)).toEqual({ type: 6 });
    const review = await patchedOriginal(pick.token);
    // $25.00 + $5.00 shipping, 10% tax on both.
    expect(bodyText(review)).toContain('Tax: $3.00');
    expect(bodyText(review)).toContain('Total: $33.00');

    const confirm = componentInteraction(as, 'order:confirm', { message: { id: '1', channel_id: '1', ...(review.body as object) } });
    expect(await interact(h, confirm)).toEqual({ type: 6 });
    const done = await patchedOriginal(confirm.token);
    expect(bodyText(done)).toContain('Order submitted');
    expect((await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).taxAmountCents).toBe(300);
  });

  it('a deferred slash command is answered with type 5 (ephemeral) and edited later', async () => {
    const s = await f.shop({
      tenant: {
        taxjarEnabled: true,
        taxjarApiKey: 'k',
        taxjarFromAddress: { country: 'US', zip: '62701', state: 'IL', city: 'Springfield', street: '1 Shop Rd' },
      },
    });
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const cmd = commandInteraction(as, 'order');
    expect(await interact(h, cmd)).toEqual({ type: 5, data: { flags: 64 } });
    const edited = await patchedOriginal(cmd.token);
    expect(bodyText(edited)).toContain('order:product-select');
  });
});
