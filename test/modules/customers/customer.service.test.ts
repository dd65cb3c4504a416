import { describe, expect, it } from 'vitest';
import { createCustomerService } from '../../../src/modules/customers/customer.service.js';
import { createTenantService } from '../../../src/modules/tenants/tenant.service.js';
import { systemClock } from '../../../src/platform/clock.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';

const db = testDb(10);
const f = factories(db);
const customers = createCustomerService({ db, clock: systemClock, bus: new EventBus() });
const tenants = createTenantService({ db });
const tenantsOnSql = createTenantService({ db, sql: testSql() });

describe('customers and tenants', () => {
  it('reads a tenant through plain SQL exactly as Prisma reads it (every column, by id and by guild)', async () => {
    const t = await f.tenant();
    const guild = await f.guild({ tenantId: t.id });
    await db.tenant.update({
      where: { id: t.id },
      data: {
        enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'],
        paymentInstructions: { VENMO_P2P: { handle: '@shop' } },
        adminChannelId: snowflake(),
        adminRoleIds: [snowflake(), snowflake()],
        inventoryTracking: false,
        taxjarEnabled: true,
        taxjarApiKey: 'enc:v1:abc',
        taxjarFromAddress: { country: 'US', zip: '62701' },
        addressValidation: true,
        roleRemovalPolicy: 'RECORD',
        timeZone: 'America/Chicago',
        paymentWindowMinutes: { VENMO_P2P: 120 },
      },
    });
    const viaPrisma = await db.tenant.findUniqueOrThrow({ where: { id: t.id } });
    expect(await tenantsOnSql.get(t.id)).toEqual(viaPrisma);
    expect(await tenantsOnSql.byGuild(guild.id)).toEqual(viaPrisma);
    expect(await tenantsOnSql.byGuild(snowflake())).toBeNull();
    await expect(tenantsOnSql.get('ten_missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('upserts a customer per tenant and Discord user, refreshing the profile', async () => {
    const a = await f.tenant();
    const b = await f.tenant();
    const id = snowflake();
    const first = await customers.upsertFromDiscord(a.id, { discordUserId: id, username: 'pat' });
    const again = await customers.upsertFromDiscord(a.id, { discordUserId: id, displayName: 'Pat C' });
    const inB = await customers.upsertFromDiscord(b.id, { discordUserId: id });
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ username: 'pat', displayName: 'Pat C' });
    expect(inB.id).not.toBe(first.id);
    expect(await db.customer.findUniqueOrThrow({ where: { tenantId_discordUserId: { tenantId: a.id, discordUserId: id } } })).toEqual(
      again,
    );
    await expect(customers.get(b.id, first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(customers.upsertFromDiscord(a.id, { discordUserId: 'not-a-snowflake' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // Concurrent first contact makes one customer.
    const id2 = snowflake();
    const many = await Promise.all(Array.from({ length: 5 }, () => customers.upsertFromDiscord(a.id, { discordUserId: id2 })));
    expect(new Set(many.map((c) => c.id)).size).toBe(1);
    expect(await db.customer.count({ where: { tenantId: a.id, discordUserId: id2 } })).toBe(1);
  });

  it('resolves a tenant by guild and by id', async () => {
    const t = await f.tenant();
    const g = await f.guild({ tenantId: t.id });
    expect((await tenants.byGuild(g.id))?.id).toBe(t.id);
    expect(await tenants.byGuild(snowflake())).toBeNull();
    expect((await tenants.get(t.id)).id).toBe(t.id);
    await expect(tenants.get('ten_missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
