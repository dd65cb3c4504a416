// The panel's React components, bundled offline by AdminJS's ComponentLoader (rollup + babel) into
// ADMIN_JS_TMP_DIR. They import React, adminjs and @adminjs/design-system (globals of the AdminJS
// frontend): no CDN, no network fonts. A plain word list of the server's may be imported too (the bundler
// compiles the .ts behind its .js name; a type-only import is dropped): refund-form.tsx takes the refund
// modes' words from modules/refunds/refund-mode-words.ts, so the form and every other surface say the same.
import { ComponentLoader } from 'adminjs';
import { fileURLToPath } from 'node:url';

const file = (name: string) => fileURLToPath(new URL(`./${name}.tsx`, import.meta.url));

export function createComponents() {
  const loader = new ComponentLoader();
  const components = {
    Dashboard: loader.add('LedgerlineDashboard', file('dashboard')),
    OrderShow: loader.add('OrderShow', file('order-show')),
    RefundForm: loader.add('RefundForm', file('refund-form')),
    ApiKeyCreate: loader.add('ApiKeyCreate', file('api-key-create')),
    TransitionSelect: loader.add('TransitionSelect', file('transition-select')),
    CancelRefundConfirm: loader.add('CancelRefundConfirm', file('cancel-refund-confirm')),
    PaymentsSettings: loader.add('PaymentsSettings', file('payments-settings')),
    UploadKeys: loader.add('UploadKeys', file('upload-keys')),
    AccountPassword: loader.add('AccountPassword', file('account-password')),
    Jobs: loader.add('LedgerlineJobs', file('jobs')),
    SignInAttempts: loader.add('SignInAttempts', file('sign-in-attempts')),
    TaxReport: loader.add('LedgerlineTaxReport', file('tax-report')),
    OrderLinesEdit: loader.add('OrderLinesEdit', file('order-lines-edit')),
    OrderNumberCell: loader.add('OrderNumberCell', file('order-number-cell')),
    MoneyCell: loader.add('MoneyCell', file('money-cell')),
    OrderEnumCell: loader.add('OrderEnumCell', file('order-enum-cell')),
    MultiValue: loader.add('MultiValue', file('multi-value')),
    /** Also for other components: render AdminJS.UserComponents.AuditTimeline with items={presentTimeline(...)}. */
    AuditTimeline: loader.add('AuditTimeline', file('audit-timeline')),
    CustomerOrders: loader.add('CustomerOrders', file('customer-orders')),
    DateTime: loader.add('DateTime', file('date-time')),
    FilledWhenNew: loader.add('FilledWhenNew', file('filled-when-new')),
    EstimatedCountList: loader.add('EstimatedCountList', file('estimated-count-list')),
    DeletedOrderPaymentsList: loader.add('DeletedOrderPaymentsList', file('deleted-order-payments-list')),
    WebhookEndpointCreate: loader.add('WebhookEndpointCreate', file('webhook-endpoint-create')),
    ExtendPayWindow: loader.add('ExtendPayWindow', file('extend-pay-window')),
    InvoiceLink: loader.add('InvoiceLink', file('invoice-link')),
    AdminRoleSelect: loader.add('AdminRoleSelect', file('admin-role-select')),
    AdminShopField: loader.add('AdminShopField', file('admin-shop-field')),
    PaymentMethodSettings: loader.add('PaymentMethodSettings', file('payment-method-settings')),
    ShipFromAddress: loader.add('ShipFromAddress', file('ship-from-address')),
    ChangeCurrency: loader.add('ChangeCurrency', file('change-currency')),
    CheckBoxWithHelp: loader.add('CheckBoxWithHelp', file('checkbox-with-help')),
  };
  return { loader, components };
}

export type AdminComponents = ReturnType<typeof createComponents>['components'];
