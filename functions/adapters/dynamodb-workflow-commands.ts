import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskCallbacks, WorkflowEngine } from '#application/ports.ts';
import type { WorkflowId } from '#domain/declaration-types/registry.ts';
import {
  expiresAt,
  WORKFLOW_COMMAND_ENTITY,
  WORKFLOW_COMMAND_KEYS,
  WORKFLOW_COMMAND_RETENTION_SECONDS,
} from './table-layout.ts';

/** What run-workflow-commands carries out, as stored on the command item. */
export type WorkflowCommand =
  | { readonly kind: 'start'; readonly workflow: WorkflowId; readonly declarationId: string }
  | { readonly kind: 'stop'; readonly workflow: WorkflowId; readonly declarationId: string; readonly cause: string }
  | { readonly kind: 'resume'; readonly taskToken: string; readonly output: unknown };

/**
 * The workflow ports for the functions that answer requests: each command is one item in the table, and the
 * table's stream hands it to run-workflow-commands, which holds the Step Functions client
 * (step-functions-workflows.ts) and carries it out. Why:
 * - the request functions stay within the bundle budget without the Step Functions client (~22 KiB);
 * - a command is durable once written: a Step Functions error or throttle is retried by the event source
 *   mapping, not surfaced to a broker who already got an answer, and not lost if the function stops mid-way.
 * A command is idempotent end to end: the same command is the same item (an INSERT once, then MODIFYs, which
 * the mapping's filter drops), an execution is named after its declaration, and a resumed task cannot resume
 * twice. The cost: a put, a stream read and an invocation per command, and a resumption lands a stream poll
 * later (well under a second on AWS, 200 ms locally).
 */
export function dynamoDbWorkflowCommands(
  client: DynamoDBDocumentClient,
  tableName: string,
): WorkflowEngine & TaskCallbacks {
  const queue = async (command: WorkflowCommand): Promise<void> => {
    const digest = createHash('sha256').update(JSON.stringify(command)).digest('base64url');
    const now = new Date();
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...WORKFLOW_COMMAND_KEYS.command(digest),
          entity: WORKFLOW_COMMAND_ENTITY,
          command,
          queuedAt: now.toISOString(),
          expiresAt: expiresAt(now, WORKFLOW_COMMAND_RETENTION_SECONDS),
        },
      }),
    );
  };
  return {
    start: (workflow, declarationId) => queue({ kind: 'start', workflow, declarationId }),
    stop: (workflow, declarationId, cause) => queue({ kind: 'stop', workflow, declarationId, cause }),
    async resume(taskToken, output) {
      await queue({ kind: 'resume', taskToken, output });
      // Queued: whether the task still waits is learnt when the command is carried out.
      return true;
    },
  };
}
