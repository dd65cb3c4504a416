import { z } from 'zod';
import { validationError } from './errors.js';

/** Parses `input` with `schema`, throwing VALIDATION_FAILED with every problem listed. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, what);
  return result.data;
}

/** An operation that takes no query parameters. */
export const NO_QUERY = z.strictObject({});

/** The names a query schema takes, without those it declares only to refuse them with a message (z.never()). */
function takenNames(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, s]) => {
      const inner = s instanceof z.ZodOptional ? s.unwrap() : s;
      return !(inner instanceof z.ZodNever);
    })
    .map(([name]) => name);
}

/**
 * A URL query, read by the one rule every operation of an API keeps (Express's parser gives a repeated name as an
 * array, and node's querystring keeps brackets in a name: `from[gte]=x` is the name "from[gte]"):
 * - each parameter is sent once, as `name=value`: a repeated one (`from=a&from=b`) is refused, not read as the
 *   first, the last or a list;
 * - only the names `schema` declares: an unknown one (a misspelling, a filter the operation does not have, a
 *   bracket form) is refused, never ignored, so a caller never believes a filter applied that was not;
 * - then each value by `schema` (a z.strictObject of the parameters).
 * Every problem is a VALIDATION_FAILED naming the parameter as it was sent, in the message and in details.fields.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown, what = 'query'): z.output<S> {
  const params = query && typeof query === 'object' ? (query as Record<string, unknown>) : {};
  const names = takenNames(schema);
  const takes = names.length ? `it takes ${names.join(', ')}` : 'it takes no query parameters';
  const issues: { path: PropertyKey[]; message: string }[] = [];
  /** The names refused for their form: their values are not read. */
  const refused = new Set<string>();
  for (const [name, value] of Object.entries(params)) {
    if (!Object.hasOwn(schema.shape, name) || typeof value !== 'string') refused.add(name);
    const base = /^([^[\]]+)\[/.exec(name)?.[1];
    if (!Object.hasOwn(schema.shape, name)) {
      const message =
        name === ''
          ? `a parameter with no name ("=value"): ${takes}`
          : base !== undefined && Object.hasOwn(schema.shape, base)
            ? `not a parameter: send ${base}=<value> once, without brackets`
            : `not a parameter of this operation: ${takes}`;
      issues.push({ path: [name === '' ? '(no name)' : name], message });
    } else if (Array.isArray(value)) {
      issues.push({ path: [name], message: `given ${value.length} times: send it once` });
    } else if (typeof value !== 'string') {
      issues.push({ path: [name], message: 'not a single value: send name=value' });
    }
  }
  // The other parameters' values are checked too, so one answer lists every problem.
  const result = schema.safeParse(Object.fromEntries(Object.entries(params).filter(([name]) => !refused.has(name))));
  const valueIssues = result.success ? [] : result.error.issues.filter((i) => !refused.has(String(i.path[0])));
  if (issues.length || valueIssues.length) throw validationError([...issues, ...valueIssues], what);
  return result.data as z.output<S>;
}

/**
 * A whole-number query parameter from `min` to `max`, `byDefault` when not sent: digits only ("25").
 * z.coerce.number() read "0x10" as 16, " 1e1" as 10 and "+5" or "5.0" as 5: a value the API would not write itself
 * is refused instead. Documented as an integer with its bounds and default.
 */
export function wholeNumberParam(opts: { min: number; max: number; byDefault: number; tooLarge?: string }) {
  const { min, max, byDefault } = opts;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'a whole number, in digits (such as 25)' })
      .int()
      .min(min, `at least ${min}`)
      .max(max, opts.tooLarge ?? `at most ${max}`)
      .default(byDefault),
  );
}
