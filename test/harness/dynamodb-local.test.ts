import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DYNAMODB_LOCAL_JVM_OPTIONS,
  type RunningDynamoDb,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb-local.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('DynamoDB Local, as the harness starts it', () => {
  let dynamoDb: RunningDynamoDb;
  before(async () => {
    dynamoDb = await (await startDynamoDbLocal(await freePort(), 'us-east-1')).ready;
  });
  after(async () => dynamoDb?.stop());

  it('runs its JVM with the options the harness chose for a short-lived server on two cores', () => {
    const commandLine = readFileSync(`/proc/${dynamoDb.pid}/cmdline`, 'utf8').split('\0');
    for (const option of DYNAMODB_LOCAL_JVM_OPTIONS) assert.ok(commandLine.includes(option), `${option} is passed`);
    assert.ok(
      commandLine.indexOf(DYNAMODB_LOCAL_JVM_OPTIONS[0] ?? '') < commandLine.indexOf('DynamoDbLocalLauncher'),
      'as options of the JVM, not arguments of DynamoDB Local',
    );
  });

  it('serves a table with them: what is written is read back', async () => {
    await dynamoDb.client.send(
      new CreateTableCommand({
        TableName: 'Declarations',
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamoDb.client.send(
      new PutItemCommand({ TableName: 'Declarations', Item: { PK: { S: 'DCL-1' }, status: { S: 'RECEIVED' } } }),
    );
    const { Item } = await dynamoDb.client.send(
      new GetItemCommand({ TableName: 'Declarations', Key: { PK: { S: 'DCL-1' } }, ConsistentRead: true }),
    );
    assert.deepEqual(Item?.status, { S: 'RECEIVED' });
  });
});
