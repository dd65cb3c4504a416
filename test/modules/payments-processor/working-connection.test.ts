// "A working connection" is one rule (payments-processor/connections/working-connection.ts) that every surface
// offering a processor-backed method reads: the invoice page and checkouts (paymentConnections.usableMethods),
// the Discord payment menu (payableMethods over the session's connectedProviders) and the order steps' guard
// (the payment.payable rule's SQL). For every state a connection can be in, with and without its secrets, the
// three agree, and only a CONNECTED connection with its secrets takes payments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../src/generated/prisma/index.js';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { methodRules, payableMethods } from '../../../src/modules/checkout/selection-rules.js';
import { loadSessionById } from '../../../src/modules/checkout/sessions/session-store.js';
import type { ProviderId } from '../../../src/modules/payments-processor/providers/provider.port.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const sql = testSql();
const f = factories(db);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.services.close();
});

// The server can reach every provider and send invoice links (the test app's configuration).
const REACH = { invoiceLinks: true, providers: ['PAYPAL', 'SQUARE', 'BTCPAY'] as ProviderId[] };
const STATES: ConnectionStatus[] = ['UNTESTED', 'CONNECTED', 'FAILED', 'DISCONNECTED'];
const METHOD = { PAYPAL: 'PAYPAL', SQUARE: 'CASHAPP_PAY', BTCPAY: 'BTC_INVOICE' } as const;

describe('a working connection, as each surface reads it', () => {
  for (const provider of ['PAYPAL', 'SQUARE', 'BTCPAY'] as const)
    for (const status of STATES)
      for (const secrets of [true, false])
        it(`${provider} ${status}, ${secrets ? 'with' : 'without'} its secrets`, async () => {
          const method = METHOD[provider];
          const tenant = await f.tenant({ enabledPaymentMethods: ['ZELLE', method] });
          await db.paymentConnection.create({
            data: { tenantId: tenant.id, provider, environment: 'sandbox', status, secrets: secrets ? 'sealed' : null },
          });
          const customer = await f.customer({ tenantId: tenant.id });
          const session = await f.orderSession({ tenantId: tenant.id, customerId: customer.id });

          const invoicePage = (await t.services.paymentConnections.usableMethods(tenant.id, ['ZELLE', method])).includes(method);
          const loaded = await loadSessionById(sql, tenant.id, session.id);
          const discordMenu = payableMethods(loaded!, REACH).includes(method);
          const payable = methodRules(method, REACH).find((r) => r.id === 'payment.payable')!;
          const [row] = await sql.query<{ ok: boolean }>(Prisma.sql`
            SELECT (${payable.sql}) AS ok FROM order_sessions s JOIN tenants t ON t.id = s."tenantId" WHERE s.id = ${session.id}`);
          const discordGuard = row!.ok;

          const works = status === 'CONNECTED' && secrets;
          expect({ invoicePage, discordMenu, discordGuard }).toEqual({ invoicePage: works, discordMenu: works, discordGuard: works });
        });
});

// A method usable for the shop's currency (payments-processor/connections/method-currency.ts) is the same one rule
// on every surface: Cash App Pay takes US dollars only, PayPal its list of currencies, BTCPay any.
describe("a method takes the shop's currency, as each surface reads it", () => {
  const CASES: [ProviderId, string, boolean][] = [
    ['SQUARE', 'USD', true],
    ['SQUARE', 'JPY', false],
    ['SQUARE', 'EUR', false],
    ['PAYPAL', 'JPY', true],
    ['PAYPAL', 'EUR', true],
    ['PAYPAL', 'KRW', false],
    ['BTCPAY', 'JPY', true],
    ['BTCPAY', 'KRW', true],
  ];
  for (const [provider, currency, takes] of CASES)
    it(`${METHOD[provider]} in ${currency}: ${takes ? 'offered' : 'not offered'}`, async () => {
      const method = METHOD[provider];
      const tenant = await f.tenant({ currency, enabledPaymentMethods: ['ZELLE', method] });
      await db.paymentConnection.create({
        data: { tenantId: tenant.id, provider, environment: 'sandbox', status: 'CONNECTED', secrets: 'sealed' },
      });
      const customer = await f.customer({ tenantId: tenant.id });
      const session = await f.orderSession({ tenantId: tenant.id, customerId: customer.id });
      const invoicePage = (await t.services.paymentConnections.usableMethods(tenant.id, ['ZELLE', method])).includes(method);
      const discordMenu = payableMethods((await loadSessionById(sql, tenant.id, session.id))!, REACH).includes(method);
      const payable = methodRules(method, REACH).find((r) => r.id === 'payment.payable')!;
      const [row] = await sql.query<{ ok: boolean }>(Prisma.sql`
        SELECT (${payable.sql}) AS ok FROM order_sessions s JOIN tenants t ON t.id = s."tenantId" WHERE s.id = ${session.id}`);
      const panelSave = await t.services.paymentConnections.assertMethodsUsable(tenant.id, [method]).then(
        () => true,
        () => false,
      );
      expect({ invoicePage, discordMenu, discordGuard: row!.ok, panelSave }).toEqual({
        invoicePage: takes,
        discordMenu: takes,
        discordGuard: takes,
        panelSave: takes,
      });
    });
});
