import { declarationStoreFromEnv, systemClock, traderHistoryFromEnv } from '#adapters/from-environment.ts';
import { type RecordTransitionInput, recordTransition } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationStoreFromEnv(), traderHistory: traderHistoryFromEnv(), clock: systemClock };

/**
 * The workflows' later stages (arrival, release, manual review): one status change each, named in the ASL. A
 * release is also recorded in the consignee's history at the port.
 */
export const handler = workflowStep((input: RecordTransitionInput) => recordTransition(ports, input));
