import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbTraderHistory } from '#adapters/dynamodb-trader-history.ts';
import { consigneeKeyOf } from '#domain/risk.ts';
import { apiGatewayEndpoint, type RestApiModel, restApisFrom } from './api-gateway.ts';
import { type CloudAssembly, synthesize, synthesizeCached } from './cloud-assembly.ts';
import { createTablesFromTemplates, startDynamoDbLocal } from './dynamodb-local.ts';
import { startEventSourceMappings } from './event-source-mappings.ts';
import { LocalResolver } from './intrinsics.ts';
import { LocalFunction, type LocalFunctionSpec } from './lambda-runtime.ts';
import { LocalStackStartError } from './start-errors.ts';
import { type LocalStateMachineSpec, LocalStepFunctions } from './step-functions.ts';
import { stepFunctionsEndpoint } from './step-functions-endpoint.ts';
import { parseTimeScale } from './time-scale.ts';

/**
 * The whole product on one machine, built from what `cdk synth` emits: tables from the synthesized table
 * definitions in DynamoDB Local, the synthesized state machines in local Step Functions, the synthesized
 * API's routes in a local API Gateway, and the functions' own bundles from the cloud assembly.
 */
export interface LocalStackOptions {
  /**
   * A directory to synthesize the cloud assembly into, as `cdk synth -o` does, every start. Without one, the
   * assembly comes from the cache (see synthesizeCached), synthesized only when an input changed.
   */
  readonly outdir?: string;
  /** Where cached assemblies are kept; the project's cache (ASSEMBLY_CACHE_DIRECTORY) unless a test wants its own. */
  readonly assemblyCache?: string;
  /** CDK context on top of cdk.json's and LOCAL_CONTEXT's. */
  readonly context?: Record<string, unknown>;
  /** 0 picks a free port. */
  readonly ports?: { readonly api?: number; readonly stepFunctions?: number; readonly dynamoDb?: number };
  readonly region?: string;
  /** Where the functions' logs go: the console, a file, or nowhere. */
  readonly lambdaLogs?: 'console' | 'discard' | { readonly file: string };
  /** Seconds of workflow time per second (LOCAL_TIME_SCALE by default, else 1); see time-scale.ts. */
  readonly timeScale?: number;
  /** Consignees who have cleared goods at the port before the stack starts; LOCAL_REGULAR_CONSIGNEES by default. */
  readonly regularConsignees?: readonly LocalConsignee[];
}

export interface LocalConsignee {
  readonly name: string;
  readonly taxId?: string;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly stepFunctionsEndpoint: string;
  readonly dynamoDbEndpoint: string;
  /** DynamoDB Local's Java process, for a bench that reads its CPU time. */
  readonly dynamoDbPid: number;
  readonly region: string;
  readonly assembly: CloudAssembly;
  readonly api: RestApiModel;
  readonly tables: readonly string[];
  readonly functions: readonly LocalFunction[];
  readonly stateMachines: readonly LocalStateMachineSpec[];
  readonly stepFunctions: LocalStepFunctions;
  readonly timeScale: number;
  /** Milliseconds spent in each start-up phase. */
  readonly startup: Readonly<Record<'synth' | 'dynamoDb' | 'total', number>>;
  /** Whether the cloud assembly was reused from the cache rather than synthesized for this start. */
  readonly reusedAssembly: boolean;
  stop(): Promise<void>;
}

/**
 * Context the local stack synthesizes with unless told otherwise: webhooks may point at receivers on this
 * machine (http://127.0.0.1:<port>/…, http://localhost:<port>/…), so they work through the same code.
 */
export const LOCAL_CONTEXT: Readonly<Record<string, unknown>> = {
  allowLoopbackWebhooks: true,
  // A demo or a test decides its channel by its goods and trader, never by chance (`-c riskRandomSelection=default`).
  riskRandomSelection: 'off',
};

/**
 * The trader history the local stack starts with: the README's consignee has cleared goods here before, so the
 * quick start shows the green channel; any other consignee is a first-time consignee (yellow).
 */
export const LOCAL_REGULAR_CONSIGNEES: readonly LocalConsignee[] = [{ name: 'Almaty Trading LLP' }];

/** Credentials and endpoints every local function gets on top of its template environment. */
function runtimeEnvironment(region: string, endpoints: { dynamoDb: string; stepFunctions: string }) {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoDb,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    TZ: 'UTC',
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const started = performance.now();
  const region = options.region ?? 'us-east-1';
  const timeScale = options.timeScale ?? parseTimeScale(process.env.LOCAL_TIME_SCALE);
  const ports = {
    api: await portOrFree(options.ports?.api ?? 0, 'API'),
    stepFunctions: await portOrFree(options.ports?.stepFunctions ?? 0, 'Step Functions'),
    dynamoDb: await portOrFree(options.ports?.dynamoDb ?? 0, 'DynamoDB Local'),
  };
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    // Java starts while the app synthesizes (or its cached assembly loads): the two are the slow parts of start-up.
    const dynamo = await startDynamoDbLocal(ports.dynamoDb, region);
    cleanups.push(async () => (await dynamo.ready.catch(() => undefined))?.stop());
    const synthStarted = performance.now();
    const context = { ...LOCAL_CONTEXT, ...options.context };
    const assembly =
      options.outdir === undefined
        ? await synthesizeCached({
            context,
            ...(options.assemblyCache === undefined ? {} : { cacheDirectory: options.assemblyCache }),
          })
        : { ...(await synthesize({ outdir: options.outdir, context })), reused: false, touch: () => undefined };
    const synthMs = performance.now() - synthStarted;
    // A running stack keeps its cached assembly from being pruned as unused: its bundles load at each cold start.
    const inUse = setInterval(() => {
      try {
        assembly.touch();
      } catch {
        // Cleared by hand (rm -rf): nothing to keep.
      }
    }, 3_600_000).unref();
    cleanups.push(async () => clearInterval(inUse));
    const resolver = new LocalResolver(assembly, region);

    // Functions, state machines (their definitions checked) and the API are built while Java is still starting.
    const endpoints = { dynamoDb: dynamo.endpoint, stepFunctions: `http://127.0.0.1:${ports.stepFunctions}` };
    const logSink = await lambdaLogSink(options.lambdaLogs ?? 'console');
    const functions = resolver.resources('AWS::Lambda::Function').map((fn) => {
      const props = fn.resource.Properties ?? {};
      const assetPath = fn.resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string')
        throw new Error(`function ${fn.logicalId} has no bundled asset in the assembly`);
      const [file, exportName] = String(props.Handler).split('.') as [string, string];
      const variables = resolver.resolve(fn.stackName, (props.Environment as { Variables?: unknown })?.Variables ?? {});
      const spec: LocalFunctionSpec = {
        logicalId: fn.logicalId,
        functionName: fn.ref,
        functionArn: String(fn.attributes.Arn),
        // NodejsFunction emits index.mjs for ESM bundles, index.js otherwise.
        codeFile: bundleFile(join(assembly.outdir, assetPath), file),
        exportName,
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
        environment: {
          ...(variables as Record<string, string>),
          ...runtimeEnvironment(region, endpoints),
          AWS_LAMBDA_FUNCTION_NAME: fn.ref,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        },
      };
      return new LocalFunction(spec, logSink);
    });
    cleanups.push(async () => {
      await Promise.all(functions.map((fn) => fn.stop()));
    });

    const stateMachines = resolver.resources('AWS::StepFunctions::StateMachine').map(
      (sm): LocalStateMachineSpec => ({
        name: String(sm.attributes.Name),
        arn: sm.ref,
        roleArn: String(resolver.resolve(sm.stackName, sm.resource.Properties?.RoleArn)),
        definition: String(resolver.resolve(sm.stackName, sm.resource.Properties?.DefinitionString)),
      }),
    );
    const stepFunctions = new LocalStepFunctions(stateMachines, functions, { timeScale });
    cleanups.push(async () => stepFunctions.stop());
    const [api, ...otherApis] = restApisFrom(resolver);
    if (api === undefined || otherApis.length > 0) throw new Error('the local harness serves exactly one REST API');

    const dynamoStarted = performance.now();
    const dynamoDb = await dynamo.ready;
    const dynamoDbMs = performance.now() - dynamoStarted;
    const tables = await createTablesFromTemplates(dynamoDb.client, resolver);
    await recordRegularConsignees(dynamoDb.client, tables, options.regularConsignees ?? LOCAL_REGULAR_CONSIGNEES);

    await listen(stepFunctionsEndpoint(stepFunctions), ports.stepFunctions, cleanups);
    const functionsByArn = new Map(functions.map((fn) => [fn.spec.functionArn, fn]));
    await listen(apiGatewayEndpoint(api, functionsByArn), ports.api, cleanups);

    // Last to start, first to stop: stream records go to functions that are running.
    const mappings = await startEventSourceMappings({
      resolver,
      dynamoDb,
      functions,
      region,
      log: (line) => logSink.write(`${line}\n`),
    });
    cleanups.push(() => mappings.stop());

    return {
      apiUrl: `http://127.0.0.1:${ports.api}`,
      stepFunctionsEndpoint: endpoints.stepFunctions,
      dynamoDbEndpoint: endpoints.dynamoDb,
      dynamoDbPid: dynamoDb.pid,
      region,
      assembly,
      api,
      tables,
      functions,
      stateMachines,
      stepFunctions,
      timeScale,
      startup: { synth: synthMs, dynamoDb: dynamoDbMs, total: performance.now() - started },
      reusedAssembly: assembly.reused,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each consignee gets one earlier clearance, written through the same adapter the workflow uses. */
async function recordRegularConsignees(
  client: DynamoDBClient,
  tables: readonly string[],
  consignees: readonly LocalConsignee[],
): Promise<void> {
  const declarationsTable = tables.find((table) => table.includes('Declarations'));
  if (declarationsTable === undefined || consignees.length === 0) return;
  const history = dynamoDbTraderHistory(DynamoDBDocumentClient.from(client), declarationsTable);
  const before = new Date('2025-01-01T00:00:00Z');
  for (const consignee of consignees) {
    await history.recordClearance(consigneeKeyOf(consignee), 'DCL-LOCAL-HISTORY', before);
  }
}

/** NodejsFunction writes index.mjs for ESM bundles and index.js for CommonJS: take whichever it wrote. */
function bundleFile(assetDirectory: string, file: string): string {
  const esm = join(assetDirectory, `${file}.mjs`);
  return existsSync(esm) ? esm : join(assetDirectory, `${file}.js`);
}

async function listen(server: Server, port: number, cleanups: (() => Promise<void>)[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}

/**
 * The port asked for, checked free before anything starts (a second `npm start` would otherwise talk to
 * the first one's DynamoDB Local and fail halfway), or a free one for 0.
 */
async function portOrFree(port: number, what: string): Promise<number> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new LocalStackStartError(`port ${port} (${what}) is in use (is another npm start running?)`);
    throw error;
  }
  const { port: free } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

async function lambdaLogSink(target: NonNullable<LocalStackOptions['lambdaLogs']>): Promise<Writable> {
  if (target === 'console') return process.stdout;
  if (target === 'discard') return new Writable({ write: (_chunk, _encoding, done) => done() });
  await mkdir(join(target.file, '..'), { recursive: true });
  return createWriteStream(target.file, { flags: 'a' });
}
