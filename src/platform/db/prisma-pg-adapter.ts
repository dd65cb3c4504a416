// Prisma's pg driver adapter, with one fault fixed: a transaction whose connection died.
//
// Prisma (6.19) ends an interactive transaction by sending COMMIT or ROLLBACK through the transaction and
// only then calling its commit()/rollback(), which is what hands the pg client back to the pool. When the
// connection is dead (pg_terminate_backend, a PostgreSQL restart) that COMMIT/ROLLBACK throws, commit()/
// rollback() is never called, and the client stays checked out for good: every lost connection under a
// transaction took one pool slot away for the life of the process (and made pool.end() wait forever).
// Here a failed COMMIT/ROLLBACK releases the client with its error, so the pool discards it and opens a
// fresh one when needed.
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type Query = Parameters<Transaction['executeRaw']>[0];

export class FaultTolerantPrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    return releasingDeadTransactions(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    return releasingDeadTransactions(await super.connectToShadowDb());
  }
}

function releasingDeadTransactions(adapter: Adapter): Adapter {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await start(isolationLevel));
  return adapter;
}

function releaseOnFailedEnd(tx: Transaction): Transaction {
  // The adapter's transaction keeps its pool client and an error-listener cleanup (adapter-pg internals).
  const inner = tx as unknown as { client: pg.PoolClient; cleanup?: () => void };
  let released = false;
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  tx.executeRaw = async (query: Query) => {
    try {
      return await executeRaw(query);
    } catch (err) {
      if (!released && (query.sql === 'COMMIT' || query.sql === 'ROLLBACK')) {
        released = true;
        inner.cleanup?.();
        inner.client.release(err instanceof Error ? err : new Error(String(err)));
      }
      throw err;
    }
  };
  tx.commit = async () => {
    if (!released) await commit();
  };
  tx.rollback = async () => {
    if (!released) await rollback();
  };
  return tx;
}
