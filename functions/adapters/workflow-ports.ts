import { ENV, requireEnv } from '#shared/env.ts';
import { sfnClient } from './sfn-client.ts';
import { taskCallbacks, workflowStarter } from './workflow-client.ts';

export const workflowStarterFromEnv = () => workflowStarter(sfnClient, requireEnv(ENV.railImportStateMachineArn));
export const taskCallbacksFromEnv = () => taskCallbacks(sfnClient);
