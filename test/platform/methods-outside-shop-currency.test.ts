// Migration 20261205044534_methods_outside_shop_currency_off: a shop that had a processor-backed method switched
// on before the rule that the method must take the shop's currency (method-currency.ts) kept it in its settings.
// Customers were never offered it, but Settings listed it as a method "customers can choose at checkout" and
// refused every save until it was unticked. The migration switches such methods off, and only those; afterwards
// no shop keeps a method its currency refuses (the rule's own TypeScript form decides).
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentMethod } from '../../src/generated/prisma/index.js';
import { isProcessorMethod } from '../../src/modules/payments-processor/connections/provider-definitions.js';
import { methodTakesCurrency } from '../../src/modules/payments-processor/connections/method-currency.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

const MIGRATION = 'prisma/migrations/20261205044534_methods_outside_shop_currency_off/migration.sql';
const db = testDb();
const f = factories();
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

describe("switching off methods a shop's currency refuses", () => {
  it('removes Cash App Pay from a non-USD shop and PayPal from a shop in a currency PayPal does not take, nothing else', async () => {
    const shop = (currency: string, enabledPaymentMethods: PaymentMethod[]) => f.tenant({ currency, enabledPaymentMethods });
    const yen = await shop('JPY', ['CASHAPP_PAY', 'PAYPAL', 'BTC_INVOICE', 'VENMO_P2P']);
    const rupee = await shop('INR', ['PAYPAL', 'CASHAPP_PAY', 'ZELLE']);
    const dollar = await shop('USD', ['CASHAPP_PAY', 'PAYPAL']);
    const euro = await shop('EUR', ['PAYPAL', 'BTC_INVOICE']);

    await client.query(await readFile(MIGRATION, 'utf8'));

    const methods = async (id: string) => (await db.tenant.findUniqueOrThrow({ where: { id } })).enabledPaymentMethods;
    expect(await methods(yen.id)).toEqual(['PAYPAL', 'BTC_INVOICE', 'VENMO_P2P']);
    expect(await methods(rupee.id)).toEqual(['ZELLE']);
    expect(await methods(dollar.id)).toEqual(['CASHAPP_PAY', 'PAYPAL']);
    expect(await methods(euro.id)).toEqual(['PAYPAL', 'BTC_INVOICE']);
    for (const t of await db.tenant.findMany({ where: { id: { in: [yen.id, rupee.id, dollar.id, euro.id] } } })) {
      expect(t.enabledPaymentMethods.filter((m) => isProcessorMethod(m) && !methodTakesCurrency(m, t.currency))).toEqual([]);
    }
  });
});
