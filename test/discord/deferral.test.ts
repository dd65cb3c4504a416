// The 3-second rule: steps that reach a slow outside service (address validation, tax) answer with a
// deferred response (type 6 on a component's message) and deliver the real screen by editing the original
// response (PATCH /webhooks/{app}/{token}/messages/@original) on the fake Discord API. Such a step is
// deferred before dispatch's de-duplication claim (it needs nothing from the database to say "deferred"), and
// a replay of it delivers nothing over what its first delivery answered.
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTaxjar } from '../../src/dev/fake-taxjar.js';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { snowflake } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { createLogger } from '../../src/platform/logger.js';
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
// The app's log lines (JSON), for the one outcome that has no other trace: a replay that delivers nothing.
const logged: { msg?: string; interactionId?: string }[] = [];
const logger = createLogger({
  level: 'info',
  pretty: false,
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logged.push(JSON.parse(line) as (typeof logged)[number]);
      done();
    },
  }),
});
let taxjar: FakeTaxjar;
const f = factories();
const db = testDb();

beforeAll(async () => {
  taxjar = await new FakeTaxjar({
    rate: 0.1,
    suggest: (a) => ({ ...a, street: (a.street ?? '').toUpperCase().replace(/ ST$/, ' STREET'), zip: '62701-1234' }),
  }).start();
  h = await startHarness({ env: { TAXJAR_API_URL: taxjar.url }, logger });
});
afterAll(async () => {
  await h.stop();
  await taxjar.stop();
});

function bodyText(call: RecordedCall): string {
  return JSON.stringify(call.body);
}

/** A shop that computes tax with TaxJar (the fake above): its review, confirm and /order defer up front. */
const taxShop = () =>
  f.shop({
    tenant: {
      taxjarEnabled: true,
      taxjarApiKey: 'k',
      taxjarFromAddress: { country: 'US', zip: '62701', state: 'IL', city: 'Springfield', street: '1 Shop Rd' },
    },
  });

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
    const s = await taxShop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const cmd = commandInteraction(as, 'order');
    expect(await interact(h, cmd)).toEqual({ type: 5, data: { flags: 64 } });
    const edited = await patchedOriginal(cmd.token);
    expect(bodyText(edited)).toContain('order:product-select');
  });

  describe('before the de-duplication claim', () => {
    /** Another delivery of `id` that has claimed it and not committed yet: the claim's INSERT waits on it. */
    async function otherDelivery(id: string, tenantId: string) {
      const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('INSERT INTO processed_interactions (id, "tenantId") VALUES ($1, $2)', [id, tenantId]);
      return blocker;
    }

    it('a step that defers up front is answered while its claim still waits on the database, then edited', async () => {
      const s = await taxShop();
      const cmd = commandInteraction({ guildId: s.guild.id, user: member({ id: s.customer.discordUserId }), id: snowflake() }, 'order');
      const blocker = await otherDelivery(cmd.id, s.tenant.id);
      try {
        // The harness's safety net is 10 minutes: the old order (claim, then decide) answered only when the claim
        // returned (here at the 15-s statement timeout, with an error). The race is a budget for a hang (45 s, as
        // every wait in the suite: docs/decisions/testing.md), not a speed check.
        const answered = interact(h, cmd);
        const res = await Promise.race([answered, new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 45_000))]);
        expect(res).toEqual({ type: 5, data: { flags: 64 } });
        // The other delivery rolled back: this one claims the id, runs /order and edits its deferred answer.
        await blocker.query('ROLLBACK');
        expect(bodyText(await patchedOriginal(cmd.token))).toContain('order:product-select');
      } finally {
        await blocker.end();
      }
    });

    it("a replay of such a step is deferred and delivers nothing: its first delivery's answer stays", async () => {
      const s = await taxShop();
      const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
      const cmd = commandInteraction({ ...as, id: snowflake() }, 'order');
      const blocker = await otherDelivery(cmd.id, s.tenant.id);
      try {
        expect(await interact(h, cmd)).toEqual({ type: 5, data: { flags: 64 } });
        // The other delivery commits: it had the id first, so this one is the replay.
        await blocker.query('COMMIT');
        await waitFor('the replay to find the id claimed', () =>
          logged.some((l) => l.interactionId === cmd.id && l.msg === 'a replayed interaction was deferred: its first delivery answers it'),
        );
        // Its "already handled" would have replaced the first delivery's answer on the same token.
        expect(h.fake.calls.filter((c) => c.path.includes(cmd.token))).toEqual([]);
      } finally {
        await blocker.end();
      }
    });
  });
});
