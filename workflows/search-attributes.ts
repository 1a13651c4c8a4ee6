import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes: what an engineer filters on in the Temporal UI. They hold no
 * personal data (search attributes are never encrypted by a payload codec).
 * Register them on the server before starting journeys (see docker-compose.yml / README).
 */
export const TENANT = defineSearchAttributeKey('DunningTenant', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('DunningStage', SearchAttributeType.KEYWORD);
export const OUTCOME = defineSearchAttributeKey('DunningOutcome', SearchAttributeType.KEYWORD);
export const NEXT_ACTION_AT = defineSearchAttributeKey('DunningNextActionAt', SearchAttributeType.DATETIME);
export const DUE_DATE = defineSearchAttributeKey('DunningDueDate', SearchAttributeType.DATETIME);

export const ALL_SEARCH_ATTRIBUTES = [TENANT, STAGE, OUTCOME, NEXT_ACTION_AT, DUE_DATE] as const;
