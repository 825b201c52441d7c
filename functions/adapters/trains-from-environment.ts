import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbTrainStore } from './dynamodb-train-store.ts';

export const trainStoreFromEnv = () => dynamoDbTrainStore(documentClient, requireEnv(ENV.declarationsTable));
