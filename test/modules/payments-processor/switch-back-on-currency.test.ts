// A passing "Test connection" switches back on the methods that saves switched off (payments-core.md), but not
// one the shop's currency no longer allows: a dollar shop whose Square save switched Cash App Pay off, and which
// then moved to yen, does not get Cash App Pay back on when the test passes (method-currency.ts: USD only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { connectSquare, startProvidersApp, type ProvidersApp } from '../../http/invoice/square-btcpay-fixtures.js';

let env: ProvidersApp;
beforeAll(async () => {
  env = await startProvidersApp();
});
afterAll(async () => {
  await env?.close();
});

describe('Test connection switching methods back on', () => {
  it('does not switch Cash App Pay back on in a shop that sells in yen now', async () => {
    const f = factories(env.t.services.db);
    const tenant = await f.tenant({ enabledPaymentMethods: ['ZELLE'] });
    await connectSquare(env, tenant.id);
    const ctx = adminCtx(tenant.id);
    const db = env.t.services.db;
    const methods = async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).enabledPaymentMethods;
    expect(await methods()).toEqual(['ZELLE', 'CASHAPP_PAY']);

    // A changed save (a new webhook signature key) switches CASHAPP_PAY off until a test passes; meanwhile the
    // shop moves to yen (nothing priced yet, Cash App Pay off: the settings save allows it).
    const conn = (await env.t.services.paymentConnections.list(ctx)).find((c) => c.provider === 'SQUARE')!;
    const saved = await env.t.services.paymentConnections.connect(ctx, {
      provider: 'SQUARE',
      environment: conn.environment,
      config: conn.config,
      secrets: { webhookSignatureKey: 'a-new-signature-key-0001' },
    });
    expect(saved.changed).toBe(true);
    expect(await methods()).toEqual(['ZELLE']);
    await db.tenant.update({ where: { id: tenant.id }, data: { currency: 'JPY' } });

    const tested = await env.t.services.paymentConnections.test(ctx, 'SQUARE');
    expect(tested.ok).toBe(true);
    expect(tested.methodsSwitchedOn).toEqual([]);
    expect(await methods()).toEqual(['ZELLE']);
  });
});
