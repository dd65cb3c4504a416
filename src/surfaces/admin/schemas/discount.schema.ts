// Discounts and their assignments as the admin panel writes them. A PERCENT discount needs percentOff
// (1-100) and no amount; a FIXED_AMOUNT one needs amountOffCents and no percent.
import { z } from 'zod';
import { formBool, formId, formInt, formOptionalDate, formOptionalInt, formText } from './form-fields.js';

export const discountForm = z
  .object({
    name: formText(120),
    type: z.enum(['PERCENT', 'FIXED_AMOUNT']),
    percentOff: formOptionalInt(1, 100),
    amountOffCents: formOptionalInt(1, 100_000_000),
    scope: z.enum(['GLOBAL', 'ASSIGNED']),
    startsAt: formOptionalDate,
    endsAt: formOptionalDate,
    minSubtotalCents: formInt(0, 100_000_000),
    maxUses: formOptionalInt(1, 10_000_000),
    maxUsesPerCustomer: formOptionalInt(1, 10_000_000),
    active: formBool,
  })
  .superRefine((d, ctx) => {
    if (d.type === 'PERCENT' && d.percentOff === null)
      ctx.addIssue({ code: 'custom', path: ['percentOff'], message: 'required for a percent discount' });
    if (d.type === 'FIXED_AMOUNT' && d.amountOffCents === null)
      ctx.addIssue({ code: 'custom', path: ['amountOffCents'], message: 'required for a fixed-amount discount' });
    if (d.startsAt && d.endsAt && d.endsAt <= d.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after the start' });
  })
  .transform((d) => ({
    ...d,
    percentOff: d.type === 'PERCENT' ? d.percentOff : null,
    amountOffCents: d.type === 'FIXED_AMOUNT' ? d.amountOffCents : null,
  }));

export const discountAssignmentForm = z.object({
  discount: formId,
  customer: formId,
});
