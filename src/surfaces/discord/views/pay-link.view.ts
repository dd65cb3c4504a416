// The "Pay now" link button to the order's signed invoice page, for orders placed with a processor-backed
// method (PayPal, Cash App Pay, Bitcoin invoice) while they wait for payment. The link is made by the
// invoices module (signed, expiring); without PUBLIC_BASE_URL or a signing secret there is no button.
import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord-api-types/v10';
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { payLinkOffered } from '../../../modules/invoices/pay-link-offered.js';
import { systemActor } from '../../../modules/shared/actor.js';
import { row } from '../replies.js';

export function payNowButton(url: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Link, label: 'Pay now', url };
}

/** The signed invoice URL for a processor-backed order waiting for payment, or null (manual methods, no config). */
export async function payLinkFor(
  invoices: Pick<InvoiceService, 'createLink'>,
  tenantId: string,
  order: { id: string; status: string; paymentMethod: PaymentMethod },
): Promise<string | null> {
  if (!payLinkOffered(order)) return null;
  try {
    return (await invoices.createLink({ tenantId, actor: { ...systemActor, label: 'Discord pay link' } }, order.id)).url;
  } catch {
    return null; // links disabled or no public URL: the instructions text still tells the customer how to pay
  }
}

/** Adds the "Pay now" row to a message when there is a link. */
export function withPayNow<T extends { components?: unknown[] }>(message: T, url: string | null): T {
  return url ? { ...message, components: [...(message.components ?? []), row(payNowButton(url))] } : message;
}
