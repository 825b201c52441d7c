import { declarationStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { assessRisk } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationStoreFromEnv(), clock: systemClock };

/** Assigns the risk channel by the declaration type's rules and records the rule that fired. */
export const handler = workflowStep((input: { declarationId: string }) => assessRisk(ports, input.declarationId));
