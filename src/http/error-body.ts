import { z } from 'zod';
import type { ParleyError } from '../errors.ts';

/** The one error body Parley answers with, everywhere: `{ error: { code, message, details } }`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('stable code from docs/errors.md, e.g. PARLEY_INTAKE_BAD_SIGNATURE'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
}).meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(error: ParleyError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}
