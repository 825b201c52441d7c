import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { type RecordTransitionInput, recordTransition } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/** The workflows' later stages (arrival, release, manual review): one status change each, named in the ASL. */
export const handler = workflowStep((input: RecordTransitionInput) => recordTransition(ports, input));
