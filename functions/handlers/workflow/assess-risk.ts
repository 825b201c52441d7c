import { declarationsFromEnv, systemClock } from '#adapters/ports.ts';
import { assessRisk } from '#application/rail-import.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationsFromEnv(), clock: systemClock };

/** Workflow step 2: assigns the risk channel and records the rule that fired. */
export const handler = workflowStep((input: { declarationId: string }) => assessRisk(ports, input.declarationId));
