// TaxFilingPort on the official `taxjar` client: createOrder / updateOrder / deleteOrder and the refund
// equivalents. Like calculation (taxjar.adapter.ts) each call races a timer, since the client has none; the
// bound is longer here (a job waits, no customer does). 422 on create and 404 on update/delete are answers
// the sync job uses, not failures; the rest throws for the job queue to retry.
import Taxjar from 'taxjar';
import { AppError } from '../../platform/errors.js';
import { openSecret, type SecretBox } from '../../platform/secret-box.js';
import type { FilingOutcome, TaxFilingPort, TransactionKind } from './tax-filing.port.js';
import type { TaxTenant } from './tax.port.js';

type Params = Parameters<Taxjar['createOrder']>[0] & Parameters<Taxjar['createRefund']>[0];

export function createTaxjarFilingAdapter(opts: { apiUrl: string; timeoutMs: number; secrets: SecretBox }): TaxFilingPort {
  const baseUrl = opts.apiUrl.replace(/\/+$/, '');
  const clients = new Map<string, Taxjar>();
  function clientFor(tenant: TaxTenant): Taxjar {
    if (!tenant.taxjarApiKey) throw new AppError('ILLEGAL_STATE', 'This shop has no TaxJar API key.', { tenantId: tenant.id });
    let client = clients.get(tenant.taxjarApiKey);
    if (!client) {
      if (clients.size >= 200) clients.clear();
      client = new Taxjar({ apiKey: openSecret(opts.secrets, tenant.taxjarApiKey), apiUrl: baseUrl });
      clients.set(tenant.taxjarApiKey, client);
    }
    return client;
  }

  async function call(work: () => Promise<unknown>, answers: Partial<Record<number, FilingOutcome>>): Promise<FilingOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const pending = work();
    pending.catch(() => undefined);
    try {
      await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`TaxJar did not answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (err) {
      const status = (err as { status?: number }).status;
      const outcome = status !== undefined ? answers[status] : undefined;
      if (outcome) return outcome;
      const detail = (err as { detail?: string }).detail;
      throw new Error(`TaxJar ${status ?? 'request'} failed: ${detail ?? (err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    create(tenant, kind: TransactionKind, body) {
      const c = clientFor(tenant);
      return call(() => (kind === 'order' ? c.createOrder(body as unknown as Params) : c.createRefund(body as unknown as Params)), {
        422: 'exists',
      });
    },
    update(tenant, kind, body) {
      const c = clientFor(tenant);
      return call(() => (kind === 'order' ? c.updateOrder(body as unknown as Params) : c.updateRefund(body as unknown as Params)), {
        404: 'missing',
      });
    },
    remove(tenant, kind, transactionId) {
      const c = clientFor(tenant);
      return call(() => (kind === 'order' ? c.deleteOrder(transactionId) : c.deleteRefund(transactionId)), { 404: 'missing' });
    },
  };
}
