-- A processor-backed method switched on before the rule that it must take the shop's currency
-- (payments-processor/connections/method-currency.ts, METHOD_CURRENCIES): a shop that sells in another
-- currency kept it in tenants."enabledPaymentMethods". Customers were never offered it (the Discord menu, the
-- order steps and the invoice page apply the rule), but Settings listed it among "the payment methods customers
-- can choose at checkout", and every save of the settings was refused until it was unticked. Switched off here,
-- with the lists as they stand today: Cash App Pay takes US dollars only; PayPal its REST API's currencies.
-- tenants is a settings table (scripts/lib/migration-lock-rules.ts SMALL_TABLES): an UPDATE of it is allowed.
UPDATE "tenants"
SET "enabledPaymentMethods" = array_remove("enabledPaymentMethods", 'CASHAPP_PAY'::"PaymentMethod"), "updatedAt" = CURRENT_TIMESTAMP
WHERE 'CASHAPP_PAY'::"PaymentMethod" = ANY ("enabledPaymentMethods")
  AND upper(btrim("currency")) <> 'USD';

UPDATE "tenants"
SET "enabledPaymentMethods" = array_remove("enabledPaymentMethods", 'PAYPAL'::"PaymentMethod"), "updatedAt" = CURRENT_TIMESTAMP
WHERE 'PAYPAL'::"PaymentMethod" = ANY ("enabledPaymentMethods")
  AND upper(btrim("currency")) <> ALL (ARRAY['AUD', 'BRL', 'CAD', 'CNY', 'CZK', 'DKK', 'EUR', 'HKD', 'HUF', 'ILS', 'JPY', 'MYR', 'MXN',
    'TWD', 'NZD', 'NOK', 'PHP', 'PLN', 'GBP', 'SGD', 'SEK', 'CHF', 'THB', 'USD']);
