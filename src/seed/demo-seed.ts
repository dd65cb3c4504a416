// The demo shop: created once on an empty database (start command with the embedded database, or
// `npm run db:seed`). The admin password is generated, printed once and stored only as a hash.
import type { Db } from '../platform/db/prisma.js';
import { hashPassword, randomToken } from '../platform/crypto.js';

export const DEMO = {
  guildId: '100000000000000001',
  adminChannelId: '100000000000000010',
  adminRoleId: '200000000000000001',
  memberRoleId: '200000000000000002',
  vipRoleId: '200000000000000003',
  supporterRoleId: '200000000000000004',
  adminEmail: 'admin@demo.ledgerline.local',
} as const;

export interface SeededAdmin {
  email: string;
  password: string;
}

export async function seedDemoIfEmpty(services: { db: Db }): Promise<SeededAdmin | undefined> {
  const { db } = services;
  if ((await db.tenant.count()) > 0) return undefined;
  return seedDemo(db);
}

export async function seedDemo(db: Db): Promise<SeededAdmin> {
  const password = randomToken(12);
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({
      data: {
        name: 'Demo Shop',
        currency: 'USD',
        // PayPal (and the other processor-backed methods) are switched on by connectDemoProcessors once the
        // shop's connection passes its test (demo-processors.ts).
        enabledPaymentMethods: ['VENMO_P2P', 'CASHAPP_P2P', 'ZELLE'],
        paymentInstructions: {
          VENMO_P2P: { handle: '@demo-shop', instructions: 'Send the total to @demo-shop on Venmo.' },
          CASHAPP_P2P: { handle: '$demoshop', instructions: 'Send the total to $demoshop on Cash App.' },
          ZELLE: {
            handle: 'pay@demo.ledgerline.local',
            instructions: 'Send the total by Zelle to pay@demo.ledgerline.local.',
          },
          PAYPAL: { instructions: 'Press "Pay now" to pay with PayPal on the invoice page.' },
          BTC_INVOICE: { instructions: 'You will get a Bitcoin invoice link for your order.' },
        },
        adminChannelId: DEMO.adminChannelId,
        adminRoleIds: [DEMO.adminRoleId],
        inventoryTracking: true,
        guilds: { create: { id: DEMO.guildId, name: 'Demo Shop Discord' } },
      },
    });
    const t = tenant.id;
    // Priced in the shop's currency, as every product must be (modules/tenants/shop-currency.ts).
    await tx.product.createMany({
      data: [
        {
          tenantId: t,
          sku: 'TEE-001',
          name: 'Ledgerline Tee',
          description: 'Soft cotton tee with the Ledgerline logo.',
          unitPriceCents: 2500,
          sortOrder: 1,
        },
        { tenantId: t, sku: 'STK-001', name: 'Sticker Pack', description: 'Five vinyl stickers.', unitPriceCents: 500, sortOrder: 2 },
        {
          tenantId: t,
          sku: 'HOOD-LTD',
          name: 'Limited Hoodie',
          description: 'Numbered run: only a few left.',
          unitPriceCents: 6000,
          trackStock: true,
          stock: 3,
          sortOrder: 3,
        },
        {
          tenantId: t,
          sku: 'VIP-001',
          name: 'VIP Pass',
          description: 'Members only: unlocks the VIP role.',
          unitPriceCents: 1500,
          requiredRoleIds: [DEMO.memberRoleId],
          grantedRoleIds: [DEMO.vipRoleId],
          sortOrder: 4,
        },
        {
          tenantId: t,
          sku: 'BADGE-001',
          name: 'Supporter Badge',
          description: 'Grants the Supporter role.',
          unitPriceCents: 1000,
          grantedRoleIds: [DEMO.supporterRoleId],
          sortOrder: 5,
        },
      ].map((product) => ({ ...product, currency: tenant.currency })),
    });
    await tx.shippingType.createMany({
      data: [
        { tenantId: t, name: 'Standard (5-7 days)', priceCents: 500, sortOrder: 1 },
        { tenantId: t, name: 'Express (1-2 days)', priceCents: 1500, sortOrder: 2 },
        { tenantId: t, name: 'Digital delivery', priceCents: 0, digitalOnly: true, sortOrder: 3 },
      ],
    });
    await tx.discount.create({
      data: {
        tenantId: t,
        name: 'Welcome 10% off orders over $20',
        type: 'PERCENT',
        percentOff: 10,
        scope: 'GLOBAL',
        minSubtotalCents: 2000,
      },
    });
    await tx.adminUser.create({ data: { email: DEMO.adminEmail, passwordHash, tenantId: t, role: 'TENANT_ADMIN' } });
  });
  return { email: DEMO.adminEmail, password };
}
