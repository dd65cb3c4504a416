// Flows the Discord tests share: walking /order to the review screen the way a customer clicks it, and a paid order with an admin.
import type { factories } from '../helpers/factories.js';
import {
  commandInteraction,
  componentInteraction,
  interact,
  member,
  messageOf,
  modalInteraction,
  type Base,
  type Harness,
} from './harness.js';

/**
 * A shop with a PAID order of 2 x 25.00 + 1 x 5.00 (55.00) of its first two products, and a member with the
 * shop's admin role (`asAdmin`: to send admin commands as).
 */
export async function paidShopOrder(f: ReturnType<typeof factories>) {
  const s = await f.shop();
  const [p1, p2] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    lines: [
      { productId: p1!.id, name: p1!.name, quantity: 2, unitPriceCents: 2500 },
      { productId: p2!.id, name: p2!.name, quantity: 1, unitPriceCents: 500 },
    ],
  });
  const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
  return { ...s, order, p1: p1!, p2: p2!, admin, asAdmin: { guildId: s.guild.id, user: admin } };
}

/**
 * A shop (f.shop()) that also has a free digital-only "Digital delivery" shipping type (sorted after the standard
 * one) and a digital product, an "E-book" download: a cart of it may take the digital-only type, goods may not.
 */
export async function shopWithDigitalDelivery(f: ReturnType<typeof factories>) {
  const s = await f.shop();
  const digitalOnly = await f.shippingType({
    tenantId: s.tenant.id,
    name: 'Digital delivery',
    priceCents: 0,
    digitalOnly: true,
    sortOrder: 3,
  });
  const ebook = await f.product({
    tenantId: s.tenant.id,
    name: 'E-book',
    digitalKind: 'DOWNLOAD_LINK',
    downloadUrl: 'https://files.example/book.pdf',
  });
  return { ...s, digitalOnly, ebook };
}

/** /order-item's options for `quantity` of a catalog product (the command repeats the catalog's fields). */
export const orderItemOptions = (p: { id: string; name: string; sku: string; unitPriceCents: number; currency: string }, quantity = 1) => ({
  productid: p.id,
  name: p.name,
  sku: p.sku,
  quantity,
  unitpricecents: p.unitPriceCents,
  currency: p.currency,
});

/** The address most tests type into the new-address modal (its fields by custom id). */
export const ELM_ST: Record<string, string> = {
  line1: '1 Elm St',
  line2: '',
  city: 'Springfield',
  state: 'IL',
  postal_country: '62701 us',
};

export interface WalkOptions {
  productId: string;
  /** What the customer types into the quantity modal. */
  quantity?: string;
  shippingTypeId: string;
  paymentMethod?: string;
  /** The new-address modal's fields. */
  address?: Record<string, string>;
  /** Pick the product in /order's menu first (the quantity modal opens); false submits the modal straight after /order. */
  pickProduct?: boolean;
  /** Click "Enter new address" before submitting the address modal (the address modal opens). */
  openAddressForm?: boolean;
  /**
   * The flow's one message keeps this id on every screen, as Discord's does (updated in place); without it, each
   * screen is echoed with an id of its own.
   */
  messageId?: string;
}

/**
 * Drives /order to the review screen: /order, the product menu, the quantity modal, optionally "Enter new
 * address", the address modal, the shipping type and the payment method. Returns every step's response, so
 * a caller makes its own assertions (the payment step's options, the review's Confirm button). A step that
 * only opens a modal (`productModal`, `addressForm`) is undefined when it was skipped.
 */
export async function walkToReview(h: Harness, as: Base, opts: WalkOptions) {
  const { productId, quantity = '1', shippingTypeId, paymentMethod = 'VENMO_P2P', address = ELM_ST } = opts;
  const at = (res: Parameters<typeof messageOf>[0]) => (opts.messageId ? { ...messageOf(res), id: opts.messageId } : messageOf(res));
  const start = await interact(h, commandInteraction(as, 'order'));
  const productModal =
    (opts.pickProduct ?? true)
      ? await interact(h, componentInteraction(as, 'order:product-select', { values: [productId], message: at(start) }))
      : undefined;
  const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity }, at(start)));
  const addressForm = opts.openAddressForm
    ? await interact(h, componentInteraction(as, 'order:address:new', { message: at(addressStep) }))
    : undefined;
  const shipping = await interact(h, modalInteraction(as, 'order:address:modal', address, at(addressStep)));
  const payment = await interact(
    h,
    componentInteraction(as, 'order:shipping-type-select', { values: [shippingTypeId], message: at(shipping) }),
  );
  const review = await interact(
    h,
    componentInteraction(as, 'order:payment-method-select', { values: [paymentMethod], message: at(payment) }),
  );
  return { start, productModal, addressStep, addressForm, shipping, payment, review };
}
