// Reporting transactions to the tax provider (TaxJar's /v2/transactions), behind a port like calculation.
// Bodies are TaxJar's own (tax-transactions.ts builds them, in dollars). Every method resolves with what
// the provider said about the transaction's existence, so the sync job can converge:
// 'ok' (done), 'exists' (create refused: already filed, 422) or 'missing' (update/delete of an unknown id,
// 404). Anything else (5xx, timeout, network, 401) throws, and the job retries with backoff.
import type { TaxTenant } from './tax.port.js';

export type FilingOutcome = 'ok' | 'exists' | 'missing';
export type TransactionKind = 'order' | 'refund';

export interface TaxFilingPort {
  create(tenant: TaxTenant, kind: TransactionKind, body: Record<string, unknown>): Promise<FilingOutcome>;
  update(tenant: TaxTenant, kind: TransactionKind, body: Record<string, unknown>): Promise<FilingOutcome>;
  remove(tenant: TaxTenant, kind: TransactionKind, transactionId: string): Promise<FilingOutcome>;
}
