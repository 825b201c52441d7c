import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbDeclarationStore } from './dynamodb-declaration-store.ts';
import { dynamoDbEventFeed } from './dynamodb-event-feed.ts';
import { dynamoDbMilestoneStore } from './dynamodb-milestone-store.ts';
import { dynamoDbOfficerTaskStore } from './dynamodb-officer-task-store.ts';

// Each factory reads only the bindings its port needs, so a function deployed without one fails at cold start.
export const declarationStoreFromEnv = () =>
  dynamoDbDeclarationStore(documentClient, requireEnv(ENV.declarationsTable));
export const milestoneStoreFromEnv = () => dynamoDbMilestoneStore(documentClient, requireEnv(ENV.declarationsTable));
export const eventFeedFromEnv = () => dynamoDbEventFeed(documentClient, requireEnv(ENV.declarationsTable));
export const officerTaskStoreFromEnv = () =>
  dynamoDbOfficerTaskStore(documentClient, requireEnv(ENV.declarationsTable));
export const systemClock = () => new Date();
