import { officerTaskStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { escalateOfficerTask } from '#application/officer-tasks.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { officerTasks: officerTaskStoreFromEnv(), clock: systemClock };

/**
 * A plain step on an officer wait's timeout: the open task moves to the supervisors' queue, keeping its kind
 * (in the output), and the workflow then opens it again to wait on a new token.
 */
export const handler = workflowStep((input: { declarationId: string; reason: string }) =>
  escalateOfficerTask(ports, input.declarationId, input.reason),
);
