import { declarationStoreFromEnv, milestoneStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { awaitMilestone } from '#application/workflow-steps.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  milestones: milestoneStoreFromEnv(),
  tasks: taskCallbacksFromEnv(),
  clock: systemClock,
};

/** (.waitForTaskToken) Parks the task token until the port reports the milestone the declaration waits for. */
export const handler = workflowStep((input: { declarationId: string; taskToken: string }) =>
  awaitMilestone(ports, input),
);
