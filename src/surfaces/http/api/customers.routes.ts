// POST /api/customers/:id/erase -> 200 {customerId, displayName, ordersKept, addressesDeleted, sessionsDeleted}.
// Erases a customer's personal data and keeps the shop's books (services.customers.erase: one transaction under
// the customer's lock; docs/decisions/personal-data.md). 409 names the order that still needs the address.
// An API key is made by a shop admin (Settings -> API keys; staff cannot) or the operator (npm run apikey:create):
// it has no staff role, and erases as the shop's admin would.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { parseInput } from '../../../platform/validate.js';
import { ctxOf, jsonBody } from './api-context.js';

/** No options: the body, when sent, is an empty JSON object. */
export const eraseCustomerBody = z.strictObject({});

/** The answer (documented as CustomerErasure). */
export const eraseCustomerResponse = z
  .strictObject({
    customerId: z.string(),
    displayName: z.string().describe('The placeholder the customer is named by from now on ("Erased customer #…")'),
    ordersKept: z.number().int().describe("The customer's orders, kept with their street, city and name blanked"),
    addressesDeleted: z.number().int(),
    sessionsDeleted: z.number().int().describe('An order in progress in Discord, ended'),
  })
  .meta({ id: 'CustomerErasure' });

export function customersRoutes(services: Services): Router {
  const router = Router();
  router.post('/customers/:id/erase', async (req, res) => {
    parseInput(eraseCustomerBody, jsonBody(req), 'erasure');
    const r = await services.customers.erase(ctxOf(res), String(req.params.id));
    res.json({
      customerId: r.customer.id,
      displayName: r.customer.displayName,
      ordersKept: r.orders,
      addressesDeleted: r.addressesDeleted,
      sessionsDeleted: r.sessionsDeleted,
    });
  });
  return router;
}
