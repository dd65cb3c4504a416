// An admin's correction to a customer's name survives the customer's next click (issue 11): the display
// name follows Discord until an admin sets it in the panel; the Discord username always follows Discord;
// saving the name empty hands it back to Discord.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { signDiscordBody } from '../helpers/discord-signer.js';
import { commandInteraction, member } from '../discord/harness.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();
const db = testDb();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

/** The customer runs /orders in the shop's guild as Discord sends it: with their username and global name. */
async function clickAs(guildId: string, user: { id: string; username: string; globalName: string }) {
  const interaction = commandInteraction({ guildId, user: member({ id: user.id, username: user.username }) }, 'orders');
  const m = (interaction as unknown as { member: { user: Record<string, unknown> } }).member;
  m.user = { ...m.user, global_name: user.globalName };
  const body = JSON.stringify(interaction);
  const res = await request(app.app).post('/discord/interactions').set(signDiscordBody(app.keys, body)).send(body);
  expect(res.status).toBe(200);
}

async function rename(owner: AdminAgent, customerId: string, displayName: string) {
  const { shownValuesJson } = await loadedRow(owner, 'Customer', customerId);
  const res = await owner.agent
    .post(`/admin/api/resources/Customer/records/${customerId}/edit`)
    .set(owner.headers())
    .field('displayName', displayName)
    .field('shownValuesJson', shownValuesJson);
  expect(res.status).toBe(200);
  expect(res.body.notice?.type).toBe('success');
  return res;
}

describe("a customer's name corrected in the panel", () => {
  it('is kept when the customer clicks again; their Discord username still follows Discord; empty hands it back', async () => {
    const tenant = await f.tenant();
    const guild = await f.guild({ tenantId: tenant.id });
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
    const user = { id: snowflake(), username: 'jdoe_88', globalName: 'J' };

    await clickAs(guild.id, user);
    const customer = await db.customer.findUniqueOrThrow({
      where: { tenantId_discordUserId: { tenantId: tenant.id, discordUserId: user.id } },
    });
    expect(customer).toMatchObject({ username: 'jdoe_88', displayName: 'J', displayNameSetByAdminAt: null });

    await rename(owner, customer.id, 'Jane Doe');
    await clickAs(guild.id, { ...user, username: 'jane_d' });
    const after = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(after).toMatchObject({ displayName: 'Jane Doe', username: 'jane_d' });
    expect(after.displayNameSetByAdminAt).toBeInstanceOf(Date);

    // The page shows who named them, and the name in the list.
    const show = await owner.agent.get(`/admin/api/resources/Customer/records/${customer.id}/show`).set(owner.headers());
    expect(show.body.record.params).toMatchObject({ displayName: 'Jane Doe', username: 'jane_d' });
    expect(show.body.record.params.displayNameSetByAdminAt).toBeTruthy();

    // Saved empty: Discord's name again on the next click.
    await rename(owner, customer.id, '');
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({
      displayName: null,
      displayNameSetByAdminAt: null,
    });
    // (The write a click makes: modules/customers/discord-customer.sql.ts, run by every customer click.)
    await app.services.customers.upsertFromDiscord(tenant.id, { discordUserId: user.id, username: 'jane_d', displayName: 'Janie' });
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ displayName: 'Janie', username: 'jane_d' });
  });

  it('does not let the form set the Discord username or the marker directly', async () => {
    const tenant = await f.tenant();
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
    const customer = await f.customer({ tenantId: tenant.id, username: 'real_handle', displayName: 'Old' });
    const { shownValuesJson } = await loadedRow(owner, 'Customer', customer.id);
    await owner.agent
      .post(`/admin/api/resources/Customer/records/${customer.id}/edit`)
      .set(owner.headers())
      .field('shownValuesJson', shownValuesJson)
      .field('displayName', 'New')
      .field('username', 'forged')
      .field('displayNameSetByAdminAt', '2000-01-01T00:00:00Z');
    const row = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row).toMatchObject({ displayName: 'New', username: 'real_handle' });
    expect(row.displayNameSetByAdminAt!.getFullYear()).toBeGreaterThan(2000);
  });
});
