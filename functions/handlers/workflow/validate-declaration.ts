import { declarationsFromEnv, systemClock } from '#adapters/ports.ts';
import { validateForClearance } from '#application/rail-import.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationsFromEnv(), clock: systemClock };

/** Workflow step 1: the clearance rules that need the stored declaration; VALIDATED or REJECTED. */
export const handler = workflowStep((input: { declarationId: string }) =>
  validateForClearance(ports, input.declarationId),
);
