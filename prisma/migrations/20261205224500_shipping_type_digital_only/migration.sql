-- A shipping type offered only for carts whose every line is digital (a licence key, a download or a role):
-- checkout/selection-rules.ts shipping.digitalOnly. The constant default keeps every existing shipping type
-- offered to every cart, as until now, and adds the column without rewriting shipping_types (a settings table).
ALTER TABLE "shipping_types" ADD COLUMN "digitalOnly" BOOLEAN NOT NULL DEFAULT false;
