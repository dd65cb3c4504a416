// Fault classification reads codes and the error's own words, never Prisma's code frame. Prisma prefixes a
// message with the caller's source ("Invalid `x` invocation in <file>" and the lines around it); with the
// generated client bundled, that frame can show Prisma's own runtime, which holds strings such as "could not
// serialize". Matching the whole message made a terminated connection look like a serialization failure, and
// withTransaction ran it again past its bound of lost-connection retries (seen on Node 24 under load).
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './db-faults.js';
import { isRetryableTxError } from './prisma.js';

/** A Prisma raw-query error (P2010) as the pg driver adapter reports it. */
function prismaError(frame: string, sqlState: string, pgMessage: string) {
  return Object.assign(
    new Error(
      `\nInvalid \`t.$executeRawUnsafe()\` invocation in\n/app/src/x.ts:10:3\n\n  9 ${frame}\n→ 10 await tx.$executeRawUnsafe(…)\n\nRaw query failed. Code: \`${sqlState}\`. Message: \`${pgMessage}\``,
    ),
    {
      code: 'P2010',
      meta: {
        driverAdapterError: {
          name: 'DriverAdapterError',
          cause: { originalCode: sqlState, originalMessage: pgMessage, kind: 'postgres', code: sqlState },
        },
      },
    },
  );
}

describe('database fault classification', () => {
  it('a terminated connection is "unavailable", not a serialization failure, whatever the code frame shows', () => {
    const err = prismaError(
      'function q(){throw new Error("could not serialize access")}',
      '57P01',
      'terminating connection due to administrator command',
    );
    expect(isRetryableTxError(err)).toBe(false);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('a connection the server closed under a query (adapter kind ConnectionClosed, no SQLSTATE) is "unavailable"', () => {
    // As logged by /readyz while the database's connections were cut: it was classified "error" (and a request, 500).
    const err = Object.assign(
      new Error(
        '\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Server has closed the connection.`',
      ),
      { code: 'P2010', meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } } } },
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isRetryableTxError(err)).toBe(false);
    const unique = Object.assign(new Error('Unique constraint failed'), {
      code: 'P2002',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'UniqueConstraintViolation' } } },
    });
    expect(isDatabaseUnavailable(unique)).toBe(false);
  });

  it('a serialization failure or deadlock inside the adapter error is retryable', () => {
    expect(isRetryableTxError(prismaError('', '40001', 'could not serialize access due to concurrent update'))).toBe(true);
    expect(isRetryableTxError(prismaError('', '40P01', 'deadlock detected'))).toBe(true);
    expect(
      isRetryableTxError(Object.assign(new Error('Transaction failed due to a write conflict or a deadlock'), { code: 'P2034' })),
    ).toBe(true);
    expect(
      isRetryableTxError(Object.assign(new Error('could not serialize access due to read/write dependencies'), { code: '40001' })),
    ).toBe(true);
  });

  it('a unique violation whose code frame mentions an unreachable server is neither', () => {
    const err = prismaError('msg = "Can\'t reach database server"', '23505', 'duplicate key value violates unique constraint');
    expect(isDatabaseUnavailable(err)).toBe(false);
    expect(isRetryableTxError(err)).toBe(false);
  });
});
