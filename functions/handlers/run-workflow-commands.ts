import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { WorkflowCommand } from '#adapters/dynamodb-workflow-commands.ts';
import { taskCallbacksFromEnv, workflowEngineFromEnv } from '#adapters/step-functions-from-environment.ts';
import { WORKFLOW_COMMAND_ENTITY } from '#adapters/table-layout.ts';
import { logger, withInvocationContext } from '#shared/logger.ts';

const workflows = workflowEngineFromEnv();
const tasks = taskCallbacksFromEnv();

/**
 * Carries out the workflow commands the request functions queue (dynamodb-workflow-commands.ts), from the
 * table's stream; its event source mapping lets through only their INSERTs. A failure fails the batch, which the
 * mapping retries: starting a named execution again, stopping a stopped one or resuming a task that no longer
 * waits changes nothing.
 */
export const handler = middy<DynamoDBStreamEvent, void>({ timeoutEarlyInMillis: 0 })
  .use(withInvocationContext())
  .handler(async (batch) => {
    for (const record of batch.Records ?? []) {
      const image = record.dynamodb?.NewImage;
      if (image === undefined) continue;
      const item = unmarshall(image as Record<string, AttributeValue>);
      if (item.entity !== WORKFLOW_COMMAND_ENTITY) continue;
      const command = item.command as WorkflowCommand;
      switch (command.kind) {
        case 'start':
          await workflows.start(command.workflow, command.declarationId);
          break;
        case 'stop':
          await workflows.stop(command.workflow, command.declarationId, command.cause);
          break;
        case 'resume': {
          const resumed = await tasks.resume(command.taskToken, command.output);
          if (!resumed) logger.info('task no longer waits', { queuedAt: item.queuedAt });
          break;
        }
      }
    }
  });
