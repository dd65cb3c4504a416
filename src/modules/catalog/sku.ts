// What a product's SKU may be: the one rule for the panel's product form, which writes it, and for the refund
// items an admin types (`/refund items:`, the panel's refund form), which may name an order's line by its SKU.
// The two had their own patterns: the parser refused SKUs the catalog had accepted ("TEE.M", "_TEE").

/** Letters, digits, dot, dash and underscore. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]+$/;
export const SKU_MAX_LENGTH = 64;
export const SKU_CHARACTERS = 'letters, digits, dot, dash and underscore';
