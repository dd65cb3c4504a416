// What shop:create and admin:create --shop ask of the module (modules/admin-accounts): a shop's currency follows the
// panel's and the REST API's rule (any case, an ISO 4217 code), and a shop is found by its name in any case, with
// every match named when several match (never one picked silently).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdminAccountsService } from '../../../src/modules/admin-accounts/admin-accounts.service.js';
import { isAppError } from '../../../src/platform/errors.js';
import { closeTestDb, testDb } from '../../helpers/db.js';
import { snowflake } from '../../helpers/factories.js';

const db = testDb();
const accounts = createAdminAccountsService({ db });
afterAll(() => closeTestDb());

const unique = (name: string) => `${name} ${randomBytes(4).toString('hex')}`;

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe('shop:create currency', () => {
  it('takes a lower-case ISO code as the upper-case one', async () => {
    const { tenant } = await accounts.createShop({ name: unique('Lower'), guildId: snowflake(), currency: 'usd' });
    expect(tenant.currency).toBe('USD');
  });

  it('refuses three letters that name no currency, and makes no shop', async () => {
    const name = unique('Made up');
    const r = await refusal(accounts.createShop({ name, guildId: snowflake(), currency: 'XYZ' }));
    expect(r).toEqual({ code: 'VALIDATION_FAILED', message: 'shop: not an ISO 4217 currency code: use one such as USD, EUR or JPY' });
    expect(await db.tenant.count({ where: { name } })).toBe(0);
  });
});

describe('admin:create --shop', () => {
  it('finds a shop by its name in any case', async () => {
    const name = unique('My Shop');
    const { tenant } = await accounts.createShop({ name, guildId: snowflake() });
    expect(await accounts.findShop(name.toLowerCase())).toEqual({ id: tenant.id, name });
    expect(await accounts.findShop(tenant.id)).toEqual({ id: tenant.id, name });
  });

  it('names every shop that matches when several do, and picks none', async () => {
    const name = unique('Twin Shop');
    const a = (await accounts.createShop({ name, guildId: snowflake() })).tenant;
    const b = (await accounts.createShop({ name: name.toUpperCase(), guildId: snowflake() })).tenant;
    const r = await refusal(accounts.findShop(name.toLowerCase()));
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toContain(`2 shops match "${name.toLowerCase()}"`);
    expect(r.message).toContain(`${a.name} (${a.id})`);
    expect(r.message).toContain(`${b.name} (${b.id})`);
    expect(r.message).toContain('use the id of the one you mean');
  });
});
