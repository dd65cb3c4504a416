// Shop settings -> "Change currency" (components/change-currency.tsx), for the shop's admin and a platform admin: the
// shop is the record the action was opened on (shopRecordContextOf), the actor the admin signed in. GET shows every
// amount held in the shop's currency (modules/tenants/change-shop-currency.ts repricedAmounts), each formatted in it; POST
// {to, shown, amounts} reads each new amount as the money fields of the panel's forms do (form-fields.ts formMoney:
// the new currency's major units, yen whole) and changes the currency and every amount in one transaction
// (changeShopCurrency). A refusal answers the list as it is now, so a colleague's new product or changed price is
// shown to the admin, who saves again.
import type { ActionContext, ActionRequest, RecordActionResponse } from 'adminjs';
import { z } from 'zod';
import type { Services } from '../services.js';
import {
  changeShopCurrency,
  REPRICED_BOUNDS,
  repricedAmounts,
  type RepricedAmount,
  type RepricedField,
} from '../../../modules/tenants/change-shop-currency.js';
import { isAppError } from '../../../platform/errors.js';
import { formatMoney } from '../../../platform/money.js';
import { shopRecordContextOf } from '../auth/panel-admin.js';
import { amountRules, currencyCode, formMoney } from '../schemas/form-fields.js';
import { countWords } from '../../../platform/count-words.js';

/** What the page shows: the shop's currency and each amount held in it. */
export interface CurrencyChangePage {
  currency: string;
  amounts: (Pick<RepricedAmount, 'key' | 'kind' | 'name' | 'label' | 'cents'> & { shown: string })[];
  /** Each currency's rule for typing an amount, shown beside "New amount in XXX" once a known code is typed. */
  rules: Record<string, string>;
}

const KIND_WORDS: Record<RepricedAmount['kind'], string> = { product: 'Product', shippingType: 'Shipping type', discount: 'Discount' };

const posted = z.object({
  /** The currency the page showed the amounts in. */
  from: z.string().max(10),
  to: z.string().max(10),
  /** The amounts as the page showed them (JSON of [{key, cents}]). */
  shown: z.string().max(2_000_000),
  /** What was typed for each key (JSON of {key: text}). */
  amounts: z.string().max(2_000_000),
});
const shownList = z.array(z.object({ key: z.string().max(200), cents: z.number().int() })).max(50_000);
const typedMap = z.record(z.string().max(200), z.string().max(100));

const fieldOfKey = (key: string) => key.split(':')[2] as RepricedField | undefined;

export function changeCurrencyAction(services: Services) {
  const logger = services.logger.child({ surface: 'admin', action: 'changeCurrency' });

  const pageOf = async (tenantId: string): Promise<CurrencyChangePage> => {
    const { currency } = await services.db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true } });
    const amounts = await repricedAmounts(services.db, tenantId, currency);
    return {
      currency: currency.trim(),
      amounts: amounts.map((a) => ({
        key: a.key,
        kind: a.kind,
        name: `${KIND_WORDS[a.kind]}: ${a.name}`,
        label: a.label,
        cents: a.cents,
        shown: formatMoney(a.cents, currency.trim()),
      })),
      rules: amountRules(),
    };
  };

  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    const ctx = shopRecordContextOf(context);
    const record = context.record!;
    const answer = async (notice: RecordActionResponse['notice'], extra: Record<string, unknown> = {}) =>
      ({
        record: record.toJSON(context.currentAdmin),
        notice,
        currencyChange: await pageOf(ctx.tenantId),
        ...extra,
      }) as RecordActionResponse;
    if (request.method !== 'post') {
      record.params.currencyChangeJson = JSON.stringify(await pageOf(ctx.tenantId));
      return { record: record.toJSON(context.currentAdmin) };
    }
    const notUnderstood = () => answer({ message: 'That request was not understood: reload the page and try again.', type: 'error' });
    const form = posted.safeParse(request.payload ?? {});
    if (!form.success) return notUnderstood();
    let shown: z.infer<typeof shownList>;
    let typed: z.infer<typeof typedMap>;
    try {
      shown = shownList.parse(JSON.parse(form.data.shown));
      typed = typedMap.parse(JSON.parse(form.data.amounts));
    } catch {
      return notUnderstood();
    }
    const to = currencyCode.safeParse(form.data.to);
    if (!to.success)
      return answer(
        { message: `New currency: ${to.error.issues[0]?.message ?? 'required'}`, type: 'error' },
        { fieldErrors: { to: to.error.issues[0]?.message } },
      );
    const fieldErrors: Record<string, string> = {};
    const newCents: Record<string, number> = {};
    for (const { key } of shown) {
      const field = fieldOfKey(key);
      const read = formMoney(to.data, field ? REPRICED_BOUNDS[field].max : 0).safeParse(typed[key] ?? '');
      if (read.success) newCents[key] = read.data as number;
      else fieldErrors[key] = read.error.issues[0]?.message ?? 'required';
    }
    if (Object.keys(fieldErrors).length)
      return answer(
        {
          message: `Every amount needs its new value in ${to.data}: ${Object.keys(fieldErrors).length} ${Object.keys(fieldErrors).length === 1 ? 'is' : 'are'} missing or not an amount. Nothing was changed.`,
          type: 'error',
        },
        { fieldErrors },
      );
    try {
      const { repriced } = await changeShopCurrency(
        { db: services.db, audit: services.audit, paymentMethods: services.paymentConnections },
        ctx,
        { from: form.data.from, to: to.data, shown, newCents },
      );
      const show = context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: record.id(), actionName: 'show' });
      return {
        ...(await answer({
          message: `The shop now sells in ${to.data}${repriced ? `: ${countWords(repriced, 'amount')} re-priced` : ''}.`,
          type: 'success',
        })),
        redirectUrl: show,
      } as RecordActionResponse;
    } catch (err) {
      if (!isAppError(err)) {
        logger.error({ err }, 'currency change failed');
        return answer({
          message: 'Something went wrong. Nothing was changed; try again, and check the logs if it persists.',
          type: 'error',
        });
      }
      const fields = (err.details as { fields?: { path: string; message: string }[] } | undefined)?.fields ?? [];
      return answer({ message: err.message, type: 'error' }, { fieldErrors: Object.fromEntries(fields.map((f) => [f.path, f.message])) });
    }
  };
}
