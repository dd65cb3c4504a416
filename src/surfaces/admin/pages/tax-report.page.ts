// "Tax & exports" page, shop admins: the sales tax collected per month in the shop's time zone (collected
// on orders paid that month, minus what refunds made that month returned), and the bookkeeping CSV
// downloads (orders, payments, refunds, tax) for a date range, served by exports.route.ts (shop admins only:
// staff see the report and are told the exports are for admins). A platform admin has no shop and is told so.
import type { PageHandler } from 'adminjs';
import type { Services } from '../services.js';
import { EXPORT_KINDS } from '../../../modules/exports/export.service.js';
import { isAppError } from '../../../platform/errors.js';
import { formatMoney } from '../../../platform/money.js';
import type { TaxAmounts, TaxMonth } from '../../../modules/tax/tax-summary.query.js';
import { todayIn } from '../../../platform/zoned-time.js';
import type { PanelAdmin } from '../auth/panel-admin.js';
import { canDownloadExports } from './exports.route.js';

export const TAX_PAGE = 'tax';

export function taxReportPage(services: Services, component: string): { handler: PageHandler; component: string; icon: string } {
  const handler: PageHandler = async (request, _response, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    if (!admin?.tenantId)
      return { forbidden: true, notice: { type: 'error', message: 'Tax reports belong to a shop: sign in as one of its admins.' } };
    const raw = (request.query as Record<string, unknown> | undefined)?.months;
    // Digits only ("6"): Number() read "1e1" as 10 and "0x10" as 16, months the page never links to. Anything else
    // is no number (NaN), which the report refuses in its own words, as it does one out of its range.
    const months = raw === undefined ? 12 : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    try {
      const report = await services.taxReport.monthly(admin.tenantId, months);
      // An amount per currency: the shop's, then those of orders placed before it changed its currency
      // ("CA$3.00 + US$7.00"); amounts in two currencies are never added up.
      const m = (own: number, others: { currency: string; cents: number }[]) =>
        [formatMoney(own, report.currency), ...others.filter((o) => o.cents !== 0).map((o) => formatMoney(o.cents, o.currency))].join(
          ' + ',
        );
      const part = (x: TaxMonth, key: keyof TaxAmounts) =>
        m(
          x[key],
          x.otherCurrencies.map((o) => ({ currency: o.currency, cents: o[key] })),
        );
      const total = (key: keyof TaxAmounts) => {
        const others = new Map<string, number>();
        for (const x of report.months) for (const o of x.otherCurrencies) others.set(o.currency, (others.get(o.currency) ?? 0) + o[key]);
        return m(
          report.months.reduce((s, x) => s + x[key], 0),
          [...others].sort(([a], [b]) => a.localeCompare(b)).map(([currency, cents]) => ({ currency, cents })),
        );
      };
      // The downloads open on this month so far, in the shop's days (the days the export reads), not the days
      // of wherever the admin's browser is: a New York shop's owner in Auckland would otherwise miss today.
      const today = todayIn(report.timeZone);
      return {
        timeZone: report.timeZone,
        currency: report.currency,
        months: report.months.map((x) => ({
          ...x,
          collected: part(x, 'collectedCents'),
          refunded: part(x, 'refundedCents'),
          net: part(x, 'netCents'),
        })),
        total: { collected: total('collectedCents'), refunded: total('refundedCents'), net: total('netCents') },
        exportKinds: EXPORT_KINDS,
        exportPath: '/admin/exports',
        canExport: canDownloadExports(admin),
        exportRange: { from: today.with({ day: 1 }).toString(), to: today.toString() },
      };
    } catch (err) {
      if (isAppError(err)) return { notice: { type: 'error', message: err.message } };
      throw err;
    }
  };
  return { handler, component, icon: 'DollarSign' };
}
