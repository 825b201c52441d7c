import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RailImportDeclaration } from '#domain/declaration.ts';
import type { DeclarationStatus, HistoryEntry } from '#domain/lifecycle.ts';
import { TEST_ENV } from './lambda.ts';

/**
 * The AWS SDK, mocked at the client level. The repository talks through the document client; Powertools
 * idempotency sends raw item commands on the plain DynamoDB client; workflows go through Step Functions.
 * node:test runs every test file in its own process, so these stubs are per file.
 */
export const dynamoDb = mockClient(DynamoDBClient);
export const documents = mockClient(DynamoDBDocumentClient);
export const stepFunctions = mockClient(SFNClient);

/** The idempotency table as Powertools sees it: an in-memory map keyed by the idempotency key. */
export const idempotencyRecords = new Map<string, Record<string, AttributeValue>>();

/**
 * Forgets every call and behaviour, then installs the defaults: an empty idempotency table, document-client
 * writes that succeed, and Step Functions that starts executions and accepts task results.
 */
export function resetAwsMocks(): void {
  dynamoDb.reset();
  documents.reset();
  stepFunctions.reset();
  idempotencyRecords.clear();
  installIdempotencyTable();
  documents.onAnyCommand().resolves({});
  stepFunctions.on(StartExecutionCommand).callsFake((input: { stateMachineArn?: string; name?: string }) => ({
    executionArn: `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date('2025-03-01T00:00:00Z'),
  }));
  stepFunctions.on(SendTaskSuccessCommand).resolves({});
}

function recordKey(key: Record<string, AttributeValue> | undefined): string {
  return JSON.stringify(key?.id);
}

function installIdempotencyTable(): void {
  dynamoDb.on(PutItemCommand).callsFake((input: { Item?: Record<string, AttributeValue> }) => {
    const item = input.Item ?? {};
    const existing = idempotencyRecords.get(recordKey(item));
    if (existing !== undefined) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: existing,
      });
    }
    idempotencyRecords.set(recordKey(item), item);
    return {};
  });
  dynamoDb
    .on(UpdateItemCommand)
    .callsFake(
      (input: {
        Key?: Record<string, AttributeValue>;
        UpdateExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      }) => {
        const item = { ...(idempotencyRecords.get(recordKey(input.Key)) ?? input.Key) };
        const assignments = (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ');
        for (const assignment of assignments) {
          const [name = '', value = ''] = assignment.split(' = ');
          const attribute = input.ExpressionAttributeNames?.[name];
          const attributeValue = input.ExpressionAttributeValues?.[value];
          if (attribute !== undefined && attributeValue !== undefined) item[attribute] = attributeValue;
        }
        idempotencyRecords.set(recordKey(input.Key), item);
        return {};
      },
    );
  dynamoDb.on(DeleteItemCommand).callsFake((input: { Key?: Record<string, AttributeValue> }) => {
    idempotencyRecords.delete(recordKey(input.Key));
    return {};
  });
  dynamoDb.on(GetItemCommand).callsFake((input: { Key?: Record<string, AttributeValue> }) => ({
    Item: idempotencyRecords.get(recordKey(input.Key)),
  }));
}

/** Every write the repository sent to the declarations table. */
export function declarationTableWrites() {
  return [
    ...documents.commandCalls(TransactWriteCommand),
    ...documents.commandCalls(PutCommand),
    ...documents.commandCalls(UpdateCommand),
    ...documents.commandCalls(DeleteCommand),
  ];
}

/** A DynamoDB transaction cancelled because one of its conditions failed (e.g. a version guard). */
export function conditionFailedTransaction(): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]',
    $metadata: {},
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });
}

// ── Items as functions/adapters/declaration-repository.ts stores them ─────────────────────────────

export const DECLARATIONS_TABLE = TEST_ENV.DECLARATIONS_TABLE_NAME;

export interface StoredDeclarationInput {
  readonly id: string;
  readonly brokerId: string;
  readonly status: DeclarationStatus;
  readonly version: number;
  readonly document: RailImportDeclaration;
  readonly facts?: Record<string, unknown>;
}

export function declarationItem(input: StoredDeclarationInput): Record<string, unknown> {
  return {
    PK: `DECL#${input.id}`,
    SK: 'DECLARATION',
    entity: 'Declaration',
    id: input.id,
    brokerId: input.brokerId,
    status: input.status,
    version: input.version,
    submittedAt: '2025-02-27T08:00:00.000Z',
    updatedAt: '2025-02-27T08:05:00.000Z',
    document: input.document,
    idempotencyKey: 'key-1',
    waybillNumber: input.document.waybillNumber,
    GSI1PK: `BROKER#${input.brokerId}`,
    GSI1SK: `2025-02-27T08:00:00.000Z#${input.id}`,
    ...(input.facts === undefined ? {} : { facts: input.facts }),
  };
}

export function historyItem(id: string, entry: HistoryEntry): Record<string, unknown> {
  return {
    PK: `DECL#${id}`,
    SK: `HISTORY#${String(entry.version).padStart(6, '0')}`,
    entity: 'HistoryEntry',
    declarationId: id,
    ...entry,
  };
}

export function arrivalWaitItem(waybill: string, declarationId: string, taskToken: string): Record<string, unknown> {
  return {
    PK: `WAYBILL#${waybill}`,
    SK: `AWAIT_ARRIVAL#${declarationId}`,
    entity: 'ArrivalWait',
    declarationId,
    taskToken,
    registeredAt: '2025-02-28T10:00:00.000Z',
    expiresAt: 1_743_000_000,
  };
}
