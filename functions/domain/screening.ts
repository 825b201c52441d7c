/**
 * What the first step of a rail declaration's workflow finds: whether it matches its train's manifest (R4),
 * and, if it does, its risk channel. The state machine branches on these names.
 */
export const MANIFEST_MATCH = { MATCHED: 'MATCHED', MISMATCH: 'MISMATCH', NOT_REQUIRED: 'NOT_REQUIRED' } as const;
export type ManifestMatchOutcome = (typeof MANIFEST_MATCH)[keyof typeof MANIFEST_MATCH];
