import { declarationsFromEnv, systemClock } from '#adapters/ports.ts';
import { taskCallbacksFromEnv } from '#adapters/workflow-ports.ts';
import { awaitArrival } from '#application/rail-import.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { declarations: declarationsFromEnv(), tasks: taskCallbacksFromEnv(), clock: systemClock };

/** Workflow step 3 (.waitForTaskToken): parks the task token until the train carrying the waybill arrives. */
export const handler = workflowStep((input: { declarationId: string; taskToken: string }) =>
  awaitArrival(ports, input),
);
