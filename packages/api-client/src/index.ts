export { createDunningClient, type DunningClient, type DunningClientOptions, type DunningMethod } from './client.js';
export { ApiProblemError, type Problem } from './problem.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export type { components, paths } from './schema.js';
