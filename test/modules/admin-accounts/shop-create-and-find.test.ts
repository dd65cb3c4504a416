// What shop:create and admin:create --shop ask of the module (modules/admin-accounts): a shop's currency follows the
// panel's and the REST API's rule (any case, an ISO 4217 code).
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
