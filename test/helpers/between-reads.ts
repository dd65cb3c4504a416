// A writer committing between two reads of the code under test, at a chosen point: the client handed to that code
// counts the reads it makes through the named models (and $queryRaw) and runs `between` once, right after read number
// `n` answered and before the next one is sent. For code that derives a state from separate statements, to prove
// a commit landing between any two of them never reads as a state that never was.
import type { Db } from '../../src/platform/db/prisma.js';

type Fn = (...args: unknown[]) => unknown;

export function runningBetweenReads(db: Db, models: readonly string[], n: number, between: () => Promise<void>): Db {
  let reads = 0;
  const counted =
    (fn: Fn, self: unknown) =>
    async (...args: unknown[]) => {
      const answer = await fn.apply(self, args);
      if (++reads === n) await between();
      return answer;
    };
  const delegate = <T extends object>(d: T): T =>
    new Proxy(d, {
      get: (t, p) => {
        const v = Reflect.get(t, p) as unknown;
        return typeof v === 'function' ? counted(v as Fn, t) : v;
      },
    });
  return new Proxy(db, {
    get: (t, p) => {
      const v = Reflect.get(t, p) as unknown;
      if (p === '$queryRaw') return counted(v as Fn, t);
      if (typeof p === 'string' && models.includes(p)) return delegate(v as object);
      return v;
    },
  });
}
