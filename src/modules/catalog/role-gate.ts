// Role-gating: a product with requiredRoleIds can be bought only by a member holding at least one of them.
// Enforced by the order services (setItem and submit), not only by hiding products in menus.
export function memberMayBuy(product: { requiredRoleIds: readonly string[] }, memberRoleIds: readonly string[]): boolean {
  if (product.requiredRoleIds.length === 0) return true;
  const held = new Set(memberRoleIds);
  return product.requiredRoleIds.some((r) => held.has(r));
}
