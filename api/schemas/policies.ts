/** Policy documents as the API takes and gives them. */
import { z } from 'zod';
import { DEFAULT_POLICY_ID, defaultPolicy, policySchema } from '../../domain/policy';

export const { version: _version, id: policyIdSchema, ...documentShape } = policySchema.shape;

/**
 * The cross-field rules of a policy (ascending steps, send times outside quiet hours, final
 * action after the last step) live on `policySchema`; bodies are plain objects, so they borrow
 * its custom issues, which then leave as 400s naming the field like every other schema error.
 */
function withPolicyRules<T extends z.ZodRawShape>(
  shape: T,
  idOf: (value: z.infer<z.ZodObject<T>>) => string | undefined,
) {
  return z.object(shape).superRefine((value, ctx) => {
    const parsed = policySchema.safeParse({ ...value, id: idOf(value) ?? DEFAULT_POLICY_ID, version: 1 });
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'custom') ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });
}

const {
  version: _exampleVersion,
  id: _exampleId,
  ...exampleVersionBody
} = { ...defaultPolicy, maxContactsPer7Days: 2 };
const exampleDocument = { id: 'gentle', ...exampleVersionBody };

export const createPolicyBody = withPolicyRules({ id: policyIdSchema, ...documentShape }, (v) => v.id).meta({
  id: 'CreatePolicy',
  description: 'A policy document without a version: the first version is 1.',
  example: exampleDocument,
});
export const policyVersionBody = withPolicyRules(documentShape, () => undefined).meta({
  id: 'NewPolicyVersion',
  description: 'The full document of the new version (the id comes from the path, the version is assigned).',
  example: exampleVersionBody,
});

export const policyDocument = z
  .object({
    ...policySchema.shape,
    builtIn: z
      .boolean()
      .describe('true for the default policy that ships with the product (tenants may add versions of their own)'),
  })
  .meta({ id: 'PolicyDocument', example: { ...defaultPolicy, builtIn: true } });
export const policyList = z
  .object({
    defaultPolicyId: z.string().describe('the policy journeys run when they name none'),
    items: z.array(policyDocument).describe('the latest version of every policy, by id'),
  })
  .meta({ id: 'PolicyList' });
export const policyParams = z.object({ policyId: policyIdSchema });
/** The largest version a document may have (a PostgreSQL integer). */
export const VERSION_MAX = 2_147_483_647;
export const versionQuery = z.object({ version: z.coerce.number().int().positive().max(VERSION_MAX).optional() });
export const defaultPolicyBody = z
  .object({ policyId: policyIdSchema })
  .meta({ id: 'DefaultPolicy', example: { policyId: 'gentle' } });
