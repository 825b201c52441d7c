import { parseRandomSelection } from '#domain/risk-reference-data.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbDeclarationNumbers } from './dynamodb-declaration-numbers.ts';
import { dynamoDbDeclarationStore } from './dynamodb-declaration-store.ts';
import { dynamoDbEventFeed } from './dynamodb-event-feed.ts';
import { dynamoDbMilestoneStore } from './dynamodb-milestone-store.ts';
import { dynamoDbOfficerTaskStore } from './dynamodb-officer-task-store.ts';
import { dynamoDbTraderHistory } from './dynamodb-trader-history.ts';

// Each factory reads only the bindings its port needs, so a function deployed without one fails at cold start.
export const declarationStoreFromEnv = () =>
  dynamoDbDeclarationStore(documentClient, requireEnv(ENV.declarationsTable));
export const declarationNumbersFromEnv = () =>
  dynamoDbDeclarationNumbers(documentClient, requireEnv(ENV.declarationsTable), requireEnv(ENV.customsCode));
export const milestoneStoreFromEnv = () => dynamoDbMilestoneStore(documentClient, requireEnv(ENV.declarationsTable));
export const eventFeedFromEnv = () => dynamoDbEventFeed(documentClient, requireEnv(ENV.declarationsTable));
export const traderHistoryFromEnv = () => dynamoDbTraderHistory(documentClient, requireEnv(ENV.declarationsTable));
export const randomSelectionFromEnv = () => ({
  rates: parseRandomSelection(requireEnv(ENV.riskRandomSelection)),
  seed: requireEnv(ENV.riskSelectionSeed),
});
export const officerTaskStoreFromEnv = () =>
  dynamoDbOfficerTaskStore(documentClient, requireEnv(ENV.declarationsTable));
export const systemClock = () => new Date();
