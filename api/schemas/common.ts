import { z } from 'zod';

/** Schemas every resource shares. */

/** Optional `Idempotency-Key`: a retry with the same key gets the first attempt's answer. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .optional(),
});
