// Shop settings' `keeps` rules (adapter/scoped-resource.ts): run in the save's transaction, after its write, with
// the shop's row locked FOR UPDATE since before the form's changes were merged over it, on the row as the save
// leaves it. A save writes only the fields (and ticked boxes) its admin changed over what colleagues changed
// meanwhile (platform/form-edits.ts), so a rule joining two fields cannot be checked on the form's values: turning
// TaxJar on in a form that still shows a ship-from address a colleague cleared would pass. A refusal undoes the
// whole save and is shown under the field it is about (and as the save's notice).
import { ValidationError } from 'adminjs';
import type { Tx } from '../../../platform/db/prisma.js';
import {
  addressValidationRefusal,
  taxjarApiKeyRefusal,
  taxjarFromAddressRefusal,
  type TaxjarSettings,
} from '../../../modules/tax/taxjar-settings.js';
import type { TenantSaveHooks } from './settings.resources.js';
import { tenantCurrencyRules, wrote, type Change } from './shop-currency.rules.js';
import { adminChannelKept } from './admin-channel.rules.js';

const refuse = (field: string, message: string) => new ValidationError({ [field]: { message } }, { message });

/**
 * The Tenant resource's rules: its currency (shop-currency.rules.ts); a changed admin channel is one of the shop's own
 * servers' (admin-channel.rules.ts); TaxJar on needs a ship-from address and its
 * API key; address validation on needs the API key; a processor-backed payment method on needs the shop's working connection and takes its currency
 * (`hooks`). Checked on every save that writes something, so the row a save leaves always keeps them; an unchanged
 * save is not refused for what it did not do.
 */
export function tenantSettingsRules(hooks?: Pick<TenantSaveHooks, 'refuseMethods'>) {
  return async (tx: Tx, change: Change, context?: unknown): Promise<void> => {
    await tenantCurrencyRules(tx, change);
    await adminChannelKept(tx, change, context);
    const { after } = change;
    if (!after || !wrote(change)) return;
    const taxjar = after as unknown as TaxjarSettings;
    const noAddress = taxjarFromAddressRefusal(taxjar);
    if (noAddress) throw refuse('taxjarFromAddress', noAddress);
    const noKey = taxjarApiKeyRefusal(taxjar);
    if (noKey) throw refuse('taxjarApiKeyNew', noKey);
    const noValidation = addressValidationRefusal(taxjar);
    if (noValidation) throw refuse('addressValidation', noValidation);
    const methods = Array.isArray(after.enabledPaymentMethods) ? (after.enabledPaymentMethods as string[]) : [];
    const refused = await hooks?.refuseMethods(tx, String(after.id), methods, String(after.currency));
    if (refused) throw refuse('enabledPaymentMethods', refused);
  };
}
