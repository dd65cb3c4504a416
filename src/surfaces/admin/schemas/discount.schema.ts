// Discounts and their assignments as the admin panel writes them. A PERCENT discount needs percentOff
// (1-100) and no amount; a FIXED_AMOUNT one needs amountOff and no percent. Amounts are typed in the shop's
// currency ("5.00"), stored as cents.
import { z } from 'zod';
import { REPRICED_BOUNDS } from '../../../modules/tenants/change-shop-currency.js';
import { formBool, formId, formMoney, formOptionalDate, formOptionalInt, formText } from './form-fields.js';

/** `currency`: the shop's, which its orders and so its discounts are in. */
export const discountForm = (currency: string) =>
  z
    .object({
      name: formText(120),
      type: z.enum(['PERCENT', 'FIXED_AMOUNT']),
      percentOff: formOptionalInt(1, 100),
      amountOff: formMoney(currency, REPRICED_BOUNDS.amountOffCents.max, { optional: true }),
      scope: z.enum(['GLOBAL', 'ASSIGNED']),
      startsAt: formOptionalDate,
      endsAt: formOptionalDate,
      /** Empty: no minimum. */
      minSubtotal: formMoney(currency, REPRICED_BOUNDS.minSubtotalCents.max, { optional: true }),
      maxUses: formOptionalInt(1, 10_000_000),
      maxUsesPerCustomer: formOptionalInt(1, 10_000_000),
      active: formBool,
    })
    .superRefine((d, ctx) => {
      if (d.type === 'PERCENT' && d.percentOff === null)
        ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'required for a percent discount' });
      if (d.type === 'FIXED_AMOUNT' && d.amountOff === null)
        ctx.addIssue({ code: 'custom', path: ['amountOff'], message: 'required for a fixed-amount discount' });
      if (d.type === 'FIXED_AMOUNT' && d.amountOff === 0)
        ctx.addIssue({ code: 'custom', path: ['amountOff'], message: 'more than nothing' });
      if (d.startsAt && d.endsAt && d.endsAt <= d.startsAt)
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after the start' });
    })
    .transform(({ amountOff, minSubtotal, ...d }) => ({
      ...d,
      percentOff: d.type === 'PERCENT' ? d.percentOff : null,
      amountOffCents: d.type === 'FIXED_AMOUNT' ? amountOff : null,
      minSubtotalCents: minSubtotal ?? 0,
    }));

export const discountAssignmentForm = z.object({
  discount: formId,
  customer: formId,
});
