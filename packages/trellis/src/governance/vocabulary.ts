/**
 * Governance's closed vocabularies, free of dependencies so the CLI offers them in help and
 * checks without loading the schema library; schema.ts builds its enums from these.
 */

export const checklistItems = ['classification', 'retention', 'connectors', 'isolation', 'monitoring'] as const;

export const reviewStatuses = ['open', 'approved', 'rejected', 'changes_requested', 'superseded', 'withdrawn'] as const;
