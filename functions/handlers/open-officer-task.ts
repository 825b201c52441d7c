import { declarationStoreFromEnv, officerTaskStoreFromEnv, systemClock } from '#adapters/from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { type OpenOfficerTaskInput, openOfficerTask } from '#application/officer-tasks.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = {
  declarations: declarationStoreFromEnv(),
  officerTasks: officerTaskStoreFromEnv(),
  tasks: taskCallbacksFromEnv(),
  clock: systemClock,
};

/**
 * (.waitForTaskToken) Opens an officer's task (document review, physical inspection or manual review) and queues
 * it under the task token; the workflow resumes with `{ "decision": "APPROVE" | "REQUEST_DOCUMENTS" | "REJECT" }`.
 */
export const handler = workflowStep((input: OpenOfficerTaskInput) => openOfficerTask(ports, input));
