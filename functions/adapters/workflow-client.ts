import { SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/** Errors that mean the waiting task is gone (finished, timed out, or never existed): nothing left to resume. */
const TASK_GONE_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export function workflowStarter(client: SFNClient, stateMachineArn: string) {
  return {
    /**
     * Starts the declaration's workflow, named after the declaration: Step Functions refuses a second
     * execution of the same name, so a retried submission can never start the workflow twice.
     */
    async startFor(declarationId: string): Promise<{ executionArn: string; alreadyStarted: boolean }> {
      try {
        const { executionArn } = await client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: declarationId,
            input: JSON.stringify({ declarationId }),
          }),
        );
        return { executionArn: executionArn ?? executionArnOf(stateMachineArn, declarationId), alreadyStarted: false };
      } catch (error) {
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
        return { executionArn: executionArnOf(stateMachineArn, declarationId), alreadyStarted: true };
      }
    },
  };
}

export function taskCallbacks(client: SFNClient) {
  return {
    /** Resumes a task waiting on a token; answers false if that task no longer waits. */
    async resume(taskToken: string, output: unknown): Promise<boolean> {
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

export type WorkflowStarter = ReturnType<typeof workflowStarter>;
export type TaskCallbacks = ReturnType<typeof taskCallbacks>;

function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
