import { officerTaskStoreFromEnv } from '#adapters/from-environment.ts';
import { taskCallbacksFromEnv } from '#adapters/step-functions-from-environment.ts';
import { awaitBrokerDocuments } from '#application/officer-tasks.ts';
import { workflowStep } from '#shared/workflow-step.ts';

const ports = { officerTasks: officerTaskStoreFromEnv(), tasks: taskCallbacksFromEnv() };

/**
 * (.waitForTaskToken) Waits for the documents an officer requested; the broker's POST …/documents resumes it with
 * `{ documentsProvidedAt, documents }`, at once if the broker answered first. Fails with NoDocumentsRequested
 * when nothing was requested (a definition bug: retrying cannot help).
 */
export const handler = workflowStep((input: { declarationId: string; taskToken: string }) =>
  awaitBrokerDocuments(ports, input),
);
