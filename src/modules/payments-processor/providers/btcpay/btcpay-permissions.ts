// What the shop's BTCPay API key must be allowed to do, and BTCPay's own rule for whether a key's permissions
// allow it. "Test connection" reads the key's permissions (GET /api/v1/api-keys/current: strings such as
// `btcpay.store.canviewinvoices:<storeId>`, or unscoped `btcpay.store.canviewinvoices` for every store of the
// key's user, or `unrestricted`) and refuses a key that lacks one, naming each and what it is for: a key that
// only opens checkouts used to pass, and then every refund (a pull payment) and every payout webhook (the claim
// read back) failed with 403 missing-permission.
// The policies and what each includes are BTCPay's (Policies in BTCPayServer.Client/Permissions.cs, the
// PolicyDefinitions in BTCPayServerServices.cs; the same tree since 1.12); which one each call needs is the
// Greenfield controllers' [Authorize(Policy = …)].

/** One permission our adapter needs, with BTCPay's name for it (as its API key page shows it) and what for. */
export interface BtcPayPermissionNeed {
  policy: string;
  name: string;
  usedFor: string;
}

export const BTCPAY_PERMISSION_NEEDS: readonly BtcPayPermissionNeed[] = [
  {
    // GET /api/v1/stores/{storeId}
    policy: 'btcpay.store.canviewstoresettings',
    name: 'View your stores',
    usedFor: 'the connection: "Test connection" finds the store by its id',
  },
  {
    // POST …/invoices (cancreateinvoice), GET …/invoices/{id}[/payment-methods] (canviewinvoices),
    // POST …/invoices/{id}/status (canmodifyinvoices, which includes both others).
    policy: 'btcpay.store.canmodifyinvoices',
    name: 'Modify invoices',
    usedFor: "checkouts: opening an order's Bitcoin invoice, reading what was paid, closing it when the order changes",
  },
  {
    // POST …/invoices/{id}/refund (and GET …/pull-payments, canviewpullpayments, which it includes).
    policy: 'btcpay.store.cancreatenonapprovedpullpayments',
    name: 'Create non-approved pull payments',
    usedFor: 'refunds: sending a refund as a pull payment the customer claims',
  },
  {
    // GET …/payouts/{payoutId}, read back on every PayoutCreated / PayoutApproved / PayoutUpdated webhook.
    policy: 'btcpay.store.canviewpayouts',
    name: 'View payouts',
    usedFor: "following refunds: reading the customer's claim until it is paid out",
  },
];

/** BTCPay's "includes" tree, the part that reaches the policies above (a policy includes itself). */
const INCLUDES: Record<string, readonly string[]> = {
  'btcpay.store.canmodifystoresettings': [
    'btcpay.store.canmanagepullpayments',
    'btcpay.store.canmodifyinvoices',
    'btcpay.store.canviewstoresettings',
    'btcpay.store.canmanagepayouts',
  ],
  'btcpay.store.canviewstoresettings': ['btcpay.store.canviewinvoices', 'btcpay.store.canviewpullpayments', 'btcpay.store.canviewpayouts'],
  'btcpay.store.canmodifyinvoices': ['btcpay.store.canviewinvoices', 'btcpay.store.cancreateinvoice'],
  'btcpay.store.canmanagepullpayments': ['btcpay.store.cancreatepullpayments', 'btcpay.store.canarchivepullpayments'],
  'btcpay.store.cancreatepullpayments': ['btcpay.store.cancreatenonapprovedpullpayments'],
  'btcpay.store.cancreatenonapprovedpullpayments': ['btcpay.store.canviewpullpayments'],
  'btcpay.store.canmanagepayouts': ['btcpay.store.canviewpayouts'],
};

function includesPolicy(held: string, wanted: string): boolean {
  if (held === 'unrestricted' || held === wanted) return true;
  return (INCLUDES[held] ?? []).some((child) => includesPolicy(child, wanted));
}

/**
 * The needs the key's permissions do not cover for the store. A permission is `policy` (every store of the
 * key's user) or `policy:scope` (that store only); the policy is case-insensitive, the store id is not (BTCPay's
 * Permission.TryParse). Strings BTCPay would not parse are ignored, as BTCPay ignores them.
 */
export function missingBtcPayPermissions(permissions: readonly string[], storeId: string): BtcPayPermissionNeed[] {
  const held = permissions.flatMap((raw) => {
    const s = raw.trim();
    const at = s.indexOf(':');
    const policy = (at === -1 ? s : s.slice(0, at)).toLowerCase();
    const scope = at === -1 ? null : s.slice(at + 1);
    if (scope === '' || !/^(?:btcpay\.([a-z0-9]+\.)*[a-z0-9]+|unrestricted)$/.test(policy)) return [];
    return [{ policy, scope }];
  });
  return BTCPAY_PERMISSION_NEEDS.filter(
    (need) => !held.some((p) => (p.scope === null || p.scope === storeId) && includesPolicy(p.policy, need.policy)),
  );
}

/** The owner's words for a key that lacks some: each permission by BTCPay's name and id, and what it is for. */
export function describeMissingPermissions(missing: readonly BtcPayPermissionNeed[], storeId: string): string {
  const each = missing.map((m) => `"${m.name}" (${m.policy}), for ${m.usedFor}`).join('; ');
  return (
    `The BTCPay API key lacks ${missing.length === 1 ? 'a permission' : `${missing.length} permissions`} for store ${storeId}: ${each}. ` +
    `In BTCPay (Account -> API Keys) create a key for this store with ${missing.length === 1 ? 'it' : 'them'} (or "Manage selected stores", which includes all of them), save it here and test again.`
  );
}
