// The order session API (spec 004): what the facade (order-session.service.ts) offers, and what it needs.
import type { Clock } from '../../../platform/clock.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import type { AddressInput } from '../../customers/address.schema.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import type { TaxPort } from '../../tax/tax.port.js';
import type { Quote } from '../quote/order-quote.js';
import type { SessionView } from './session-store.js';
import type { PaymentMethod, ShippingType } from '../../../generated/prisma/index.js';
import type { PaymentReach } from '../selection-rules.js';

export interface OrderSessionDeps {
  /** The plain-SQL client: every statement of the order flow runs on it (platform/db/sql.ts). */
  sql: SqlClient;
  clock: Clock;
  discounts: DiscountService;
  tax: TaxPort;
  /** ORDER_SESSION_TTL_MINUTES (default 30). */
  ttlMinutes: number;
  /** What this server can take payment through (the payment method's rules, selection-rules.ts). */
  reach: PaymentReach;
}

export interface OrderSessionService {
  /** Returns the active session (resumed: true) or opens a new one; an expired one is ended first. */
  start(tenantId: string, customerId: string, opts?: { guildId?: string }): Promise<{ session: SessionView; resumed: boolean }>;
  /** The active, unexpired session or null (an expired one is ended). */
  getActive(tenantId: string, customerId: string): Promise<SessionView | null>;
  /** Sets a line's quantity (0 removes it). NOT_FOUND (product unknown or inactive), ROLE_REQUIRED, OUT_OF_STOCK (fewer units than asked right now). */
  setItem(
    tenantId: string,
    customerId: string,
    input: { productId: string; quantity: number; memberRoleIds: string[] },
  ): Promise<SessionView>;
  removeItem(tenantId: string, customerId: string, productId: string): Promise<SessionView>;
  /**
   * How many units of `productId` the Discord member's open order holds (0 without one, or without that line): the
   * quantity modal opens at it, as what it sends replaces the line's quantity. A read: no customer row is made.
   */
  lineQuantityForMember(tenantId: string, discordUserId: string, productId: string): Promise<number>;
  /** A saved address of the customer, or a new one (saved for reuse). Needs at least one item (ILLEGAL_STATE). */
  /**
   * A saved address must have a recipient name the customer typed (VALIDATION_FAILED, details.reason
   * 'recipientName', otherwise: customers/address.store.ts hasTypedRecipient). `nameFromDiscord`: the new address's
   * name is the customer's Discord name, not typed (saved so; it does not replace a typed name of the same place).
   */
  setAddress(
    tenantId: string,
    customerId: string,
    input: { addressId: string } | { address: AddressInput; nameFromDiscord?: boolean },
  ): Promise<SessionView>;
  /** Keeps a validation suggestion on the session until the customer accepts it or keeps the original. */
  setPendingAddress(tenantId: string, customerId: string, input: { original: AddressInput; suggested: AddressInput }): Promise<SessionView>;
  acceptCorrectedAddress(tenantId: string, customerId: string): Promise<SessionView>;
  keepOriginalAddress(tenantId: string, customerId: string): Promise<SessionView>;
  /**
   * An active shipping type of the tenant (NOT_FOUND otherwise) that the cart may take (a digital-only one
   * while every line is digital; ILLEGAL_STATE otherwise). Needs at least one item.
   */
  setShippingType(tenantId: string, customerId: string, shippingTypeId: string): Promise<SessionView>;
  /**
   * Takes back the chosen shipping type when the shop no longer offers it and offers the cart no other (its last one
   * withdrawn): a cart with no type to take ships without one (selection-rules.ts shippingChosenRule), so the order can
   * go on. A choice still offered, or one with others to choose from (the menu asks), is left as it is.
   */
  dropWithdrawnShipping(tenantId: string, customerId: string): Promise<SessionView>;
  /**
   * The shipping menu: the tenant's active shipping types that the session's cart may take (the rules
   * setShippingType, review and submit check: selection-rules.ts shippingTypeRules), in menu order.
   * NOT_FOUND without a session.
   */
  shippingChoices(tenantId: string, customerId: string): Promise<ShippingChoice[]>;
  /**
   * The same menu for a Discord member known only by their user id (an autocomplete, which makes no customer
   * row): the types the cart of their open, unexpired session may take; without one, what a new (empty) cart
   * may take: every active type. One statement.
   */
  shippingChoicesForMember(tenantId: string, discordUserId: string): Promise<ShippingChoice[]>;
  /**
   * Needs items, an address and, when the tenant has active shipping types, a chosen one (ILLEGAL_STATE);
   * the method must be one the tenant enabled and one that can be paid here, see paymentChoices
   * (PAYMENT_METHOD_NOT_ENABLED). Moves to READY_TO_SUBMIT.
   */
  setPaymentMethod(tenantId: string, customerId: string, method: string): Promise<SessionView>;
  /**
   * The methods the payment menu offers: the shop's enabled ones that can be paid now (the rules
   * setPaymentMethod, review and submit check: selection-rules.ts methodRules). NOT_FOUND without a session.
   */
  paymentChoices(tenantId: string, customerId: string): Promise<PaymentMethod[]>;
  /**
   * Ends the active session (no-op when there is none). Without one, the session the message was shown in (however long
   * ago it ended), else the customer's last session when it ended within the session TTL, says what the Cancel was
   * pressed on: `alreadyCancelled` when it was cancelled (a second tap), `placedOrderId` naming its order when it was
   * submitted (a Cancel pressed after Confirm placed it). `message`: the keys of the surface's message the Cancel was
   * pressed on (see shownIn). One recorded only for the customer's ended sessions while another is active cancels
   * nothing: CONFLICT, details.session 'other'.
   */
  cancel(
    tenantId: string,
    customerId: string,
    opts?: { message?: readonly string[] },
  ): Promise<{ cancelled: boolean; alreadyCancelled?: boolean; placedOrderId?: string }>;
  /**
   * Before a step pressed on the surface's message `message` (its keys, any of which names it): CONFLICT
   * (details.session 'other') when the message is recorded only for ended sessions of the customer while another is
   * active (a stale screen would act on a session it never showed). A read: a refused step writes nothing; record the
   * message with shownIn once the step ran (on the session it ran on, which may be a new one).
   */
  checkMessage(tenantId: string, customerId: string, message: readonly string[]): Promise<void>;
  /**
   * Records the surface's message (a Discord message of the /order flow) under each of its keys (`message`: its id,
   * and the interaction whose answer made it, which a press on it names before the message was ever pressed) as
   * showing the customer's active session (no-op without one): a step pressed there once another session began
   * changes nothing. `sessionId`: the session the message shows, when the caller knows it (an answer that made the
   * message); nothing is recorded once that session is no longer the active one.
   */
  shownIn(tenantId: string, customerId: string, message: readonly string[], opts?: { sessionId?: string }): Promise<void>;
  /**
   * What submit would charge now: catalog prices, best discount, shipping, tax (TAX_SERVICE_UNAVAILABLE
   * when the tenant's tax provider cannot answer), total. Needs items (SESSION_EMPTY) and an address.
   */
  review(tenantId: string, customerId: string): Promise<ReviewedQuote>;
}

/** A shipping type the shipping menu offers. */
export type ShippingChoice = Pick<ShippingType, 'id' | 'tenantId' | 'name' | 'priceCents' | 'active' | 'digitalOnly'>;

/** A review: the quote, stored on the session as what the customer is shown, and its fingerprint (quote-consent.ts). */
export type ReviewedQuote = Quote & { fingerprint: string };
