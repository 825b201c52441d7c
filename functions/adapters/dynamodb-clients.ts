import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sdkClientConfig } from './sdk-client-config.ts';

// Created once per execution environment and reused across invocations. The endpoint comes from the
// standard AWS_ENDPOINT_URL_DYNAMODB variable, which is how the local harness points it at DynamoDB Local.
export const dynamoDbClient = new DynamoDBClient({ ...sdkClientConfig });
export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
