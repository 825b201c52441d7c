import { stateMachineArnsFromEnv } from '#shared/env.ts';
import { sfnClient } from './sfn-client.ts';
import { stepFunctionsTaskCallbacks, stepFunctionsWorkflows } from './step-functions-workflows.ts';

// A module of its own so that functions which never call Step Functions do not bundle its client.
export const workflowEngineFromEnv = () => stepFunctionsWorkflows(sfnClient, stateMachineArnsFromEnv());
export const taskCallbacksFromEnv = () => stepFunctionsTaskCallbacks(sfnClient);
