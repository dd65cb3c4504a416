import type { z } from 'zod';
import { validationError } from './errors.js';

/** Parses `input` with `schema`, throwing VALIDATION_FAILED with every problem listed. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, what);
  return result.data;
}
