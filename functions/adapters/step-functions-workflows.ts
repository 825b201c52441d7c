import {
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { TaskCallbacks, WorkflowEngine } from '#application/ports.ts';
import type { WorkflowId } from '#domain/declaration-types/registry.ts';

/** Errors that mean the waiting task is gone (finished, timed out, or never existed): nothing left to resume. */
const TASK_GONE_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Each declaration's workflow is an execution named after the declaration: Step Functions refuses a second
 * execution of the same name, so a retried filing can never start the workflow twice.
 */
export function stepFunctionsWorkflows(
  client: SFNClient,
  stateMachineArns: Readonly<Record<WorkflowId, string>>,
): WorkflowEngine {
  return {
    async start(workflow, declarationId) {
      try {
        await client.send(
          new StartExecutionCommand({
            stateMachineArn: stateMachineArns[workflow],
            name: declarationId,
            input: JSON.stringify({ declarationId }),
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      }
    },

    async stop(workflow, declarationId, cause) {
      const executionArn = `${stateMachineArns[workflow].replace(':stateMachine:', ':execution:')}:${declarationId}`;
      try {
        await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause }));
      } catch (error) {
        // Never started, or already ended: nothing is left running.
        if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
      }
    },
  };
}

export function stepFunctionsTaskCallbacks(client: SFNClient): TaskCallbacks {
  return {
    async resume(taskToken, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return true;
      } catch (error) {
        if (TASK_GONE_ERRORS.has((error as Error).name)) return false;
        throw error;
      }
    },
  };
}
