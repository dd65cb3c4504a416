// A writer committing between two reads of the code under test, at a chosen point: the client handed to that code
// counts the calls it makes on the named models (and $queryRaw; for the code these tests drive, all of them reads)
// and runs `between` once, right after call number `n` answered. Calls the code awaits one after another are counted
// in its order, and the next is sent only after `between`; calls it sends together (Promise.all) are already on their
// way, and are counted in the order they answer. For code that derives a state from separate statements, to prove a
// commit landing between them never reads as a state that never was.
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
