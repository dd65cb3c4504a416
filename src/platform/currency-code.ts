// The one rule for a currency code a person types (the panel's forms, the REST API's currency change, shop:create):
// any case ("usd" is USD), and an ISO 4217 code this Node knows ("XYZ", three letters that name none, is refused).
import { z } from 'zod';
import { isIsoCurrency } from './money.js';

export const currencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'a 3-letter currency code such as USD')
  .refine((c) => isIsoCurrency(c), 'not an ISO 4217 currency code: use one such as USD, EUR or JPY');
