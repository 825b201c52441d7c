import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbWorkflowCommands } from './dynamodb-workflow-commands.ts';

/** Start, stop and resume workflows by queuing commands (see dynamodb-workflow-commands.ts). */
export const workflowCommandsFromEnv = () =>
  dynamoDbWorkflowCommands(documentClient, requireEnv(ENV.declarationsTable));
